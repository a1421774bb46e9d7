import type { GlobalRole, UserStatus } from '@camel/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** 0/1 in both engines (the column predates the entity), a boolean in code. */
const flag = { to: (value: boolean) => (value ? 1 : 0), from: (value: number | null) => value === 1 };

/** A row of `users` (the `identity` read model): who exists, and whether they may sign in. */
@Entity('users')
export class UserRecord {
  @PrimaryColumn('text') id!: string;
  @Column('text', { unique: true }) email!: string;
  @Column('text') name!: string;
  @Column('text', { name: 'global_role', nullable: true }) globalRole!: GlobalRole | null;
  @Column('text') status!: UserStatus;
  @Column('integer', { name: 'has_password', transformer: flag }) hasPassword!: boolean;
  /** The user stream's version after the last event applied. */
  @Column('integer') version!: number;
  @Column('text', { name: 'created_at' }) createdAt!: string;
  @Column('text', { name: 'updated_at' }) updatedAt!: string;
  @Column('text', { name: 'last_login_at', nullable: true }) lastLoginAt!: string | null;
  /** The password was generated (the first owner's); the next password set clears it. */
  @Column('integer', { name: 'password_change_required', transformer: flag, default: 0 }) passwordChangeRequired!: boolean;
  /** Sessions started before this (a password reset) no longer authenticate. */
  @Column('text', { name: 'sessions_valid_after', nullable: true }) sessionsValidAfter!: string | null;
  /** The one session started before `sessionsValidAfter` that still counts: it changed its own password then. */
  @Column('text', { name: 'kept_session_id', nullable: true }) keptSessionId!: string | null;
}
