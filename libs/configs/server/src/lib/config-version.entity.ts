import type { ConfigFiles, ConfigVersionSource } from '@camel/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One saved version of a project's config set (the `configs` read model). */
@Entity('config_versions')
export class ConfigVersionRecord {
  @PrimaryColumn('text', { name: 'project_id' }) projectId!: string;
  @PrimaryColumn('integer') version!: number;
  @Column('text') message!: string;
  @Column('text') source!: ConfigVersionSource;
  @Column('integer', { name: 'restored_from', nullable: true }) restoredFrom!: number | null;
  /** The saving actor as `type:id`. */
  @Column('text') actor!: string;
  @Column('text', { name: 'created_at' }) createdAt!: string;
  /** The whole set's texts, as JSON. */
  @Column('simple-json') files!: ConfigFiles;
}
