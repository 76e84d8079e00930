/**
 * The streaming subresources of pods as mix-ins of the typed pod client (`pods(ns).exec(...)`,
 * `.attach(...)`, `.portForward(...)`, `.portForwardStream(...)`): thin calls of rest's
 * `exec`, `attach`, `portForward` and `portForwardStream`. The generator adds them to `PodsClient` from
 * the spec's connect operations (`pods/exec`, `pods/attach`, `pods/portforward`).
 *
 * @module
 */
import {
  attach,
  exec,
  type ExecOptions,
  type RemoteCommandSession,
  type StreamOptions,
} from "../rest/remote_command.ts";
import {
  portForward,
  type PortForwarder,
  type PortForwardOptions,
  type PortForwardStream,
  portForwardStream,
  type PortForwardStreamOptions,
} from "../rest/port_forward.ts";
import type { RESTClient } from "../rest/rest_client.ts";

/** The exec subresource of pods. */
export interface ExecSubresource {
  /** Runs a command in a container of pod `name` (WebSocket, v5 falling back to v4 and older). */
  exec(name: string, options: ExecOptions): Promise<RemoteCommandSession>;
}

/** The attach subresource of pods. */
export interface AttachSubresource {
  /** Attaches to the main process of a container of pod `name`. */
  attach(name: string, options?: StreamOptions): Promise<RemoteCommandSession>;
}

/** The portforward subresource of pods. */
export interface PortForwardSubresource {
  /** Listens on a local TCP port and forwards each connection to `options.remotePort` of pod `name`. */
  portForward(name: string, options: PortForwardOptions): Promise<PortForwarder>;
  /** One forwarded connection to `port` of pod `name`, as a byte stream pair. */
  portForwardStream(
    name: string,
    port: number,
    options?: PortForwardStreamOptions,
  ): Promise<PortForwardStream>;
}

/** The three, bound to one REST client and namespace (what the resource client delegates to). */
export function podStreams(
  rest: RESTClient,
  namespace: string,
): ExecSubresource & AttachSubresource & PortForwardSubresource {
  return {
    exec: (name, options) => exec(rest, namespace, name, options),
    attach: (name, options) => attach(rest, namespace, name, options),
    portForward: (name, options) => portForward(rest, namespace, name, options),
    portForwardStream: (name, port, options) => portForwardStream(rest, namespace, name, port, options),
  };
}
