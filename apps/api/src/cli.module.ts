import { Module, type DynamicModule } from '@nestjs/common';
import { contextModules } from './contexts';

/** The CLI's Nest application context: the api's contexts without HTTP. */
@Module({})
export class CliModule {
  static forCommand(options: { followLog: boolean }): DynamicModule {
    return { module: CliModule, imports: contextModules({ ...options, driveRuns: false }) };
  }
}
