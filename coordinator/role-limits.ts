/**
 * How much each role may send, per frame and per message (fragments put back
 * together), and per kind of message before it is decoded: only a
 * hospital's model-sized vectors may be large, so only they make the
 * coordinator hold a model's worth of bytes.
 */
import type { Role } from '../core/auth/policy.ts';
import { HOSPITAL_VECTOR_BODIES } from '../edge/wire/fragments.ts';
import type { BodyKind } from '../edge/wire/codec.ts';
import type { CoordinatorConfig } from './config.ts';

export class RoleLimits {
  constructor(private readonly c: Pick<CoordinatorConfig, 'maxFrameBytes' | 'maxMessageBytes' | 'requestLimit'>) {}

  /**
   * The largest message a peer of `role` may send, fragments put back
   * together (told to it in its Welcome): a hospital's model-sized update or
   * masked input; for every other role a Request, the only frame theirs that
   * carries more than a few kilobytes.
   */
  messageLimitOf(role: Role): number {
    return role === 'hospital' ? this.c.maxMessageBytes : this.c.requestLimit;
  }

  /** The largest frame a peer of `role` may send: a hospital's up to the frame limit, any other's up to its message limit. */
  frameLimitOf(role: Role): number {
    return role === 'hospital' ? this.c.maxFrameBytes : Math.min(this.c.maxFrameBytes, this.c.requestLimit);
  }

  /**
   * The largest message of kind `body` a peer of `role` may send, checked
   * before it is decoded, and for a fragmented one at its first fragment,
   * before the rest is held: a hospital's vectors (HOSPITAL_VECTOR_BODIES)
   * up to the message limit, a Request up to the request limit, anything
   * else within one frame.
   */
  bodyLimitOf(role: Role, body: BodyKind): number {
    if (body === 'request') return this.c.requestLimit;
    if (role === 'hospital' && HOSPITAL_VECTOR_BODIES.has(body)) return this.c.maxMessageBytes;
    return this.frameLimitOf(role);
  }
}
