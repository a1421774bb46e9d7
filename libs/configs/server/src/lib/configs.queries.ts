import type { ConfigDiff, ConfigFiles, ConfigSetView, ConfigVersionView, ValidateConfigResponse } from '@camel/contracts';
import { diffConfigSets, toBundle, validateConfigSet } from '@camel/configs';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ConfigsReadModel } from './configs.read-model';

export class GetLatestConfig extends Query<ConfigSetView> {
  constructor(readonly projectId: string) {
    super();
  }
}

export class ListConfigVersions extends Query<ConfigVersionView[]> {
  constructor(readonly projectId: string) {
    super();
  }
}

export class GetConfigVersion extends Query<ConfigSetView> {
  constructor(readonly projectId: string, readonly version: number) {
    super();
  }
}

/** Version 0 is the empty set, so `from=0` shows everything as added. */
export class DiffConfigVersions extends Query<ConfigDiff> {
  constructor(readonly projectId: string, readonly from: number, readonly to: number) {
    super();
  }
}

/** Validates a set without saving it (no event). */
export class ValidateConfig extends Query<ValidateConfigResponse> {
  constructor(readonly files: ConfigFiles) {
    super();
  }
}

/** The latest version as a YAML bundle. */
export class ExportConfigBundle extends Query<string> {
  constructor(readonly projectId: string) {
    super();
  }
}

@QueryHandler(GetLatestConfig)
export class GetLatestConfigHandler implements IQueryHandler<GetLatestConfig> {
  constructor(private readonly configs: ConfigsReadModel) {}
  execute(query: GetLatestConfig): Promise<ConfigSetView> {
    return this.configs.latest(query.projectId);
  }
}

@QueryHandler(ListConfigVersions)
export class ListConfigVersionsHandler implements IQueryHandler<ListConfigVersions> {
  constructor(private readonly configs: ConfigsReadModel) {}
  execute(query: ListConfigVersions): Promise<ConfigVersionView[]> {
    return this.configs.history(query.projectId);
  }
}

@QueryHandler(GetConfigVersion)
export class GetConfigVersionHandler implements IQueryHandler<GetConfigVersion> {
  constructor(private readonly configs: ConfigsReadModel) {}
  execute(query: GetConfigVersion): Promise<ConfigSetView> {
    return this.configs.version(query.projectId, query.version);
  }
}

@QueryHandler(DiffConfigVersions)
export class DiffConfigVersionsHandler implements IQueryHandler<DiffConfigVersions> {
  constructor(private readonly configs: ConfigsReadModel) {}
  async execute({ projectId, from, to }: DiffConfigVersions): Promise<ConfigDiff> {
    const [before, after] = await Promise.all([this.configs.files(projectId, from), this.configs.files(projectId, to)]);
    return { from, to, files: diffConfigSets(before, after) };
  }
}

@QueryHandler(ValidateConfig)
export class ValidateConfigHandler implements IQueryHandler<ValidateConfig> {
  async execute(query: ValidateConfig): Promise<ValidateConfigResponse> {
    const result = validateConfigSet(query.files);
    return result.ok ? { ok: true, problems: [] } : { ok: false, problems: result.problems };
  }
}

@QueryHandler(ExportConfigBundle)
export class ExportConfigBundleHandler implements IQueryHandler<ExportConfigBundle> {
  constructor(private readonly configs: ConfigsReadModel) {}
  async execute(query: ExportConfigBundle): Promise<string> {
    const latest = await this.configs.latest(query.projectId);
    return toBundle(latest.version, latest.files);
  }
}

export const CONFIG_QUERY_HANDLERS = [
  GetLatestConfigHandler,
  ListConfigVersionsHandler,
  GetConfigVersionHandler,
  DiffConfigVersionsHandler,
  ValidateConfigHandler,
  ExportConfigBundleHandler,
];
