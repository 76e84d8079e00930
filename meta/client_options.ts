/**
 * The options of the REST clients that the clientset, typed, dynamic and discovery clients make
 * (client-go's `rest.Config` knobs that are not about the server): transport, rate limiter, clock,
 * retries, warning handler.
 *
 * @module
 */
import type { RESTClientOptions } from "../rest/rest_client.ts";

/**
 * Options of the REST clients a clientset, typed, dynamic or discovery client makes (transport,
 * rate limiter, clock, retries, warning handler); ignored when a REST client is given.
 */
export type ClientOptions = Omit<RESTClientOptions, "apiPath" | "groupVersion">;
