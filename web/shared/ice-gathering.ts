/**
 * Screen view sends one complete session description each way instead of
 * trickling candidates: two signaling messages per share instead of dozens,
 * at the cost of waiting for gathering, which is capped so an unreachable
 * STUN/TURN server cannot hold the share up for long.
 */
export function iceGatheringComplete(connection: RTCPeerConnection, timeoutMs = 4000): Promise<void> {
  if (connection.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      connection.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (connection.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, timeoutMs);
    connection.addEventListener('icegatheringstatechange', check);
  });
}
