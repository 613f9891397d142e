import { TransportProtocol } from '../model/intent';

/** A container port of a workload's pods. */
export interface WorkloadPort {
  /** Port number the container listens on. */
  readonly number: number;
  /**
   * Port name (an IANA_SVC_NAME), which links can refer to.
   * @default - unnamed
   */
  readonly name?: string;
  /**
   * Transport protocol.
   * @default TransportProtocol.TCP
   */
  readonly protocol?: TransportProtocol;
}

/** A port of the workload's Service, mapped to a pod port. */
export interface ServicePortMapping {
  /** The port clients connect to on the Service. */
  readonly port: number;
  /**
   * The pod port it forwards to, by number.
   * @default - `targetPortName` if set, otherwise the same number as `port`
   */
  readonly targetPort?: number;
  /**
   * The pod port it forwards to, by container port name.
   * @default - `targetPort`
   */
  readonly targetPortName?: string;
  /**
   * Transport protocol.
   * @default TransportProtocol.TCP
   */
  readonly protocol?: TransportProtocol;
}
