/** The log types of one whole session (create, PIN, redeem, applet, start, a chat each way, close), in order. */
export const wholeSessionLogTypes = [
  'created',
  'pin_generated',
  'pin_redeemed',
  'applet_connected',
  'system_info',
  'started',
  'chat',
  'chat',
  'closed',
] as const;
