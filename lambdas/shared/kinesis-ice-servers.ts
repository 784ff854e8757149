import { createHash } from 'node:crypto';
import {
  ChannelRole,
  GetSignalingChannelEndpointCommand,
  KinesisVideoClient,
  type ResourceEndpointListItem,
} from '@aws-sdk/client-kinesis-video';
import { GetIceServerConfigCommand, KinesisVideoSignalingClient } from '@aws-sdk/client-kinesis-video-signaling';
import type { IceServerProvider } from '#domain/ice-servers';
import type { IceConfiguration } from '#contracts/schemas/screen';

/**
 * Kinesis Video Streams' managed STUN/TURN: each session is mapped onto one
 * of a small pool of signaling channels (the channel only scopes the TURN
 * credentials; media and signaling never touch it), whose HTTPS endpoint is
 * looked up once per warm function and whose short-lived TURN credentials
 * are fetched per request. Only the ICE configuration is used: our own
 * WebSocket API carries the signaling.
 */
export function kinesisIceServers(channelArns: readonly string[], region: string | undefined): IceServerProvider {
  const control = new KinesisVideoClient({ region, maxAttempts: 2 });
  const endpoints = new Map<string, Promise<string>>();

  function endpointOf(channelArn: string): Promise<string> {
    let endpoint = endpoints.get(channelArn);
    if (!endpoint) {
      endpoint = control
        .send(
          new GetSignalingChannelEndpointCommand({
            ChannelARN: channelArn,
            SingleMasterChannelEndpointConfiguration: { Protocols: ['HTTPS'], Role: ChannelRole.VIEWER },
          }),
        )
        .then((result) => {
          const https = (result.ResourceEndpointList ?? []).find(
            (item: ResourceEndpointListItem) => item.Protocol === 'HTTPS',
          )?.ResourceEndpoint;
          if (!https) throw new Error('Kinesis Video Streams returned no HTTPS endpoint for the signaling channel');
          return https;
        });
      endpoint.catch(() => endpoints.delete(channelArn));
      endpoints.set(channelArn, endpoint);
    }
    return endpoint;
  }

  return {
    async forSession(sessionId: string): Promise<IceConfiguration> {
      const index = createHash('sha256').update(sessionId).digest().readUInt32BE(0) % channelArns.length;
      const channelArn = channelArns[index]!;
      const signaling = new KinesisVideoSignalingClient({ region, endpoint: await endpointOf(channelArn), maxAttempts: 2 });
      const result = await signaling.send(new GetIceServerConfigCommand({ ChannelARN: channelArn, ClientId: sessionId, Service: 'TURN' }));
      const turn = (result.IceServerList ?? []).map((server) => ({
        urls: server.Uris ?? [],
        ...(server.Username ? { username: server.Username } : {}),
        ...(server.Password ? { credential: server.Password } : {}),
      }));
      return { iceServers: [{ urls: `stun:stun.kinesisvideo.${region ?? 'us-east-1'}.amazonaws.com:443` }, ...turn] };
    },
  };
}
