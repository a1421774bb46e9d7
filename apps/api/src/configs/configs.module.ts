import { CommandExecutor } from '@camel/server';
import { Module } from '@nestjs/common';
import { ConfigsController } from './configs.controller';
import { ConfigsService } from './configs.service';

@Module({
  controllers: [ConfigsController],
  providers: [CommandExecutor, ConfigsService],
  exports: [ConfigsService],
})
export class ConfigsModule {}
