/** Test helpers of the webhooks context: a real HTTP receiver on 127.0.0.1. */
export { startWebhookReceiver, type WebhookReceiver, type ReceivedWebhook, type ReceiverAnswer } from './testing/webhook-receiver';
