import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG } from '@ballast/platform-config';
import { DataSource, IsNull } from 'typeorm';
import { type ApiConfig } from '../config/api.config';
import { apiKeyId, apiKeyMatches } from './api-key';
import { ApiKey } from './api-key.entity';
import { isRole, type Principal } from './roles';

/** The parts of a request the authenticator reads. */
export interface CredentialHeaders {
  authorization?: string | string[] | undefined;
  'x-api-key'?: string | string[] | undefined;
}

type JwtVerifier = (token: string) => Promise<Principal>;

/**
 * Turns the credential of a request into a Principal, or refuses it with 401: an API key (minted,
 * stored as a hash; or the bootstrap admin key from the environment) in `X-API-Key` or as a bearer
 * token, or a JWT bearer token (signature, `iss`, `aud`, `exp` checked by jose).
 */
@Injectable()
export class Authenticator {
  private readonly logger = new Logger(Authenticator.name);
  private readonly bootstrapHash: Buffer | undefined;
  private jwtVerifier: Promise<JwtVerifier> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ApiConfig,
  ) {
    this.bootstrapHash =
      config.API_BOOTSTRAP_ADMIN_KEY === undefined ? undefined : sha256(config.API_BOOTSTRAP_ADMIN_KEY);
    if (this.bootstrapHash === undefined && this.jwtKey() === undefined) {
      this.logger.warn(
        'neither API_BOOTSTRAP_ADMIN_KEY nor a JWT key is set: only API keys already minted can authenticate',
      );
    }
  }

  async authenticate(headers: CredentialHeaders): Promise<Principal> {
    const token = credentialOf(headers);
    if (token === undefined) {
      throw unauthorized('missing credential: send "Authorization: Bearer <token>" or "X-API-Key: <key>"');
    }
    if (token.split('.').length === 3) return this.verifyJwt(token);
    if (this.bootstrapHash !== undefined && timingSafeEqual(sha256(token), this.bootstrapHash)) {
      return { userId: this.config.API_BOOTSTRAP_ADMIN_USER, role: 'admin', via: 'bootstrap-key' };
    }
    const keyId = apiKeyId(token);
    if (keyId === undefined) throw unauthorized('invalid credential');
    const stored = await this.dataSource.getRepository(ApiKey).findOneBy({ keyId, revokedAt: IsNull() });
    // Same answer for an unknown id and a wrong secret: nothing to learn from the difference.
    if (stored === null || !apiKeyMatches(token, stored.keyHash)) throw unauthorized('invalid credential');
    return { userId: stored.userId, role: stored.role, via: 'api-key' };
  }

  private jwtKey(): string | undefined {
    return this.config.JWT_ALGORITHM === 'HS256' ? this.config.JWT_SECRET : this.config.JWT_PUBLIC_KEY;
  }

  private async verifyJwt(token: string): Promise<Principal> {
    this.jwtVerifier ??= this.createJwtVerifier();
    const verify = await this.jwtVerifier;
    return verify(token);
  }

  private async createJwtVerifier(): Promise<JwtVerifier> {
    const keyText = this.jwtKey();
    if (keyText === undefined) {
      return () => Promise.reject(unauthorized('JWT bearer tokens are not enabled on this server'));
    }
    // jose is ECMAScript-module only: loaded on first use, so that nothing else depends on it.
    const jose = await import('jose');
    const algorithm = this.config.JWT_ALGORITHM;
    const key =
      algorithm === 'HS256' ? new TextEncoder().encode(keyText) : await jose.importSPKI(keyText, algorithm);
    const options = {
      algorithms: [algorithm],
      issuer: this.config.JWT_ISSUER ?? '',
      audience: this.config.JWT_AUDIENCE ?? '',
      requiredClaims: ['sub', 'exp'],
    };
    return async (token) => {
      let claims: Record<string, unknown>;
      try {
        claims = (await jose.jwtVerify(token, key, options)).payload;
      } catch (error) {
        throw unauthorized(`invalid token: ${(error as Error).message}`);
      }
      const role = claims['role'];
      if (!isRole(role))
        throw unauthorized('invalid token: claim "role" must be viewer, advisor, approver or admin');
      return { userId: String(claims['sub']), role, via: 'jwt' };
    };
  }
}

function credentialOf(headers: CredentialHeaders): string | undefined {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const apiKey = first(headers['x-api-key'])?.trim();
  if (apiKey !== undefined && apiKey !== '') return apiKey;
  const authorization = first(headers.authorization)?.trim();
  const match = authorization === undefined ? null : /^Bearer\s+(\S+)$/i.exec(authorization);
  return match?.[1];
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function unauthorized(message: string): UnauthorizedException {
  return new UnauthorizedException({ error: 'Unauthorized', message });
}
