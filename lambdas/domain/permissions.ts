import { getGroups, type GroupPermissions, type GroupSettings, type PermissionName } from '#storage/directory';
import type { Table } from '#storage/dynamo-client';
import { MissingPermission } from './errors.ts';
import type { Technician } from './technician.ts';

/**
 * A technician holds a permission when any of their groups grants it. Group
 * permissions live in the table and are cached briefly in a warm function, so
 * a revoked permission takes effect within `permissionCacheSeconds`.
 */
export class PermissionService {
  private readonly cache = new Map<string, { permissions: GroupPermissions; settings: GroupSettings; until: number }>();

  constructor(
    private readonly table: Table,
    private readonly cacheSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  private async loadGroups(technician: Technician): Promise<void> {
    const now = this.now();
    const missing = technician.groups.filter((group) => (this.cache.get(group)?.until ?? 0) <= now);
    if (missing.length > 0) {
      const found = await getGroups(this.table, missing);
      for (const group of missing) {
        const stored = found.find((g) => g.name === group);
        const permissions = stored?.permissions ?? { privateSessions: false, pinCode: false };
        this.cache.set(group, { permissions, settings: stored?.settings ?? {}, until: now + this.cacheSeconds * 1000 });
      }
    }
  }

  /** Any of the technician's groups asking for the code makes it part of their Start. */
  async requiresVerificationCode(technician: Technician): Promise<boolean> {
    await this.loadGroups(technician);
    return technician.groups.some((group) => this.cache.get(group)?.settings.verificationCodeAtStart === true);
  }

  async permissionsOf(technician: Technician): Promise<GroupPermissions> {
    await this.loadGroups(technician);
    const granted = { privateSessions: false, pinCode: false };
    for (const group of technician.groups) {
      const permissions = this.cache.get(group)?.permissions;
      granted.privateSessions ||= permissions?.privateSessions === true;
      granted.pinCode ||= permissions?.pinCode === true;
    }
    return granted;
  }

  /** Throws a 403 naming the first missing permission. */
  async require(technician: Technician, needed: readonly PermissionName[], action: string): Promise<void> {
    const granted = await this.permissionsOf(technician);
    const missing = needed.find((permission) => !granted[permission]);
    if (missing) throw new MissingPermission(missing, action);
  }
}
