import type {
  answeredSchema,
  channelSummarySchema,
  draftViewSchema,
  MessageView,
  messageDetailSchema,
  SubmitMessage,
  sentResultSchema,
  submitResultSchema,
} from '@parley/contract';
import type { z } from 'zod';
import type { Api } from './client.js';

// The hotline's console API (H's routes under packages/server/src/api/channels, messages,
// translations). Types only from the contract: the console bundles no schema code.

export type Channel = z.infer<typeof channelSummarySchema>;
export type MessageSummary = MessageView;
export type MessageDetail = z.infer<typeof messageDetailSchema>;
export type Draft = z.infer<typeof draftViewSchema>;
export type ComposeInput = Omit<SubmitMessage, 'attachments'> & { channel: string; attachments?: [] };

const enc = encodeURIComponent;

export const hotline = {
  channels: (api: Api) => api.get<{ channels: Channel[] }>('/channels').then((r) => r.channels),
  messages: (api: Api, channel: string) =>
    api
      .get<{ messages: MessageSummary[] }>(`/channels/${enc(channel)}/messages`, { limit: 200 })
      .then((r) => r.messages),
  message: (api: Api, channel: string, id: string) =>
    api.get<MessageDetail>(`/channels/${enc(channel)}/messages/${enc(id)}`),
  compose: (api: Api, input: ComposeInput) => {
    const { channel, ...body } = input;
    return api.post<z.infer<typeof submitResultSchema>>(`/channels/${enc(channel)}/messages`, body);
  },
  drafts: (api: Api) => api.get<{ drafts: Draft[] }>('/drafts', { state: 'pending' }).then((r) => r.drafts),
  release: (api: Api, id: string, emergency = false) =>
    api.post<z.infer<typeof sentResultSchema>>(`/drafts/${enc(id)}/release`, { emergency }),
  ack: (api: Api, channel: string, id: string) =>
    api.post<z.infer<typeof answeredSchema>>(`/channels/${enc(channel)}/messages/${enc(id)}/ack`),
  /** A translator's working translation (kept on this node). */
  translate: (api: Api, channel: string, id: string, t: { language: string; text: string }) =>
    api.post<unknown>(`/channels/${enc(channel)}/messages/${enc(id)}/working-translations`, t),
};
