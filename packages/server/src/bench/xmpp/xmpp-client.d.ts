/**
 * The part of @xmpp/client (it ships no types) that the XMPP benchmark uses.
 * https://github.com/xmppjs/xmpp.js/tree/main/packages/client
 */
declare module '@xmpp/client' {
  import type { EventEmitter } from 'node:events';

  export interface Element {
    name: string;
    attrs: Record<string, string | undefined>;
    children: Array<Element | string>;
    is(name: string, xmlns?: string): boolean;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildText(name: string, xmlns?: string): string | null;
    toString(): string;
  }

  export interface ClientOptions {
    service: string;
    domain?: string;
    username?: string;
    password?: string;
    resource?: string;
    /** ms for each protocol step (stream open, STARTTLS, SASL…); 2000 by default. */
    timeout?: number;
  }

  export interface Client extends EventEmitter {
    start(): Promise<unknown>;
    stop(): Promise<unknown>;
    send(element: Element): Promise<void>;
    sendMany(elements: Element[]): Promise<void>;
    /** The TCP socket while connected (before STARTTLS; TLS runs over it after). */
    socket?: { setNoDelay?(noDelay: boolean): void };
  }

  export function client(options: ClientOptions): Client;
  export function xml(name: string, attrs?: Record<string, string>, ...children: Array<Element | string>): Element;
}
