import { sweepTimeouts } from '#domain/timeouts';
import { dependencies } from '#shared/dependencies';

/** Runs on a schedule (EventBridge in AWS, an interval locally). */
export const handler = async () => sweepTimeouts(dependencies());
