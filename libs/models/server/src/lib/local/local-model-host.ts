import { APP_CONFIG, type AppConfig } from '@camel/server';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ModelHost } from './model-host';

/** The process's ModelHost (LOCAL_MODEL_CACHE models kept loaded), ended at shutdown. */
@Injectable()
export class LocalModelHost extends ModelHost implements OnModuleDestroy {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({ cacheSize: config.models.cacheSize });
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }
}
