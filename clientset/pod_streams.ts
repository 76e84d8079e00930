/**
 * The streaming subresources of pods as mix-ins of the typed pod client (`pods(ns).exec(...)`,
 * `.attach(...)`, `.portForward(...)`, `.portForwardStream(...)`): thin calls of rest's
 * `exec`, `attach`, `portForward` and `portForwardStream`. The generator adds them to `PodsClient` from
 * the spec's connect operations (`pods/exec`, `pods/attach`, `pods/portforward`).
 *
 * rest's stream modules load on the first call, so a program that opens no stream does not load
 * them (nor the clientset's start-up wait for them).
 *
 * @module
 */
import type { ExecOptions, RemoteCommandSession, StreamOptions } from "../rest/remote_command.ts";
import type {
  PortForwarder,
  PortForwardOptions,
  PortForwardStream,
  PortForwardStreamOptions,
} from "../rest/port_forward.ts";
import type { RESTClient } from "../rest/rest_client.ts";

const remoteCommand = () => import("../rest/remote_command.ts");
const portForwarding = () => import("../rest/port_forward.ts");

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
    exec: async (name, options) => (await remoteCommand()).exec(rest, namespace, name, options),
    attach: async (name, options) => (await remoteCommand()).attach(rest, namespace, name, options),
    portForward: async (name, options) =>
      (await portForwarding()).portForward(rest, namespace, name, options),
    portForwardStream: async (name, port, options) =>
      (await portForwarding()).portForwardStream(rest, namespace, name, port, options),
  };
}
