import { CommandExecutor } from '@camel/server';
import { Module } from '@nestjs/common';
import { ConfigsController } from './configs.controller';
import { ConfigsService } from './configs.service';
import { SampleConfigs } from './sample-configs';

@Module({
  controllers: [ConfigsController],
  providers: [CommandExecutor, ConfigsService, SampleConfigs],
  exports: [ConfigsService, SampleConfigs],
})
export class ConfigsModule {}
