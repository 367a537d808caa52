import { downloadAttachmentRoute } from './download.js';
import { attachmentStatusRoute } from './status.js';
import { uploadAttachmentRoute } from './upload.js';

export { contentDisposition } from './download.js';

/** The attachments' console routes: upload (attachments.write), download and status (messages.read). */
export const attachmentRoutes = [uploadAttachmentRoute, downloadAttachmentRoute, attachmentStatusRoute];
