import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { SwitchyardConfig } from '@switchyard/config';
import { SWITCHYARD_CONFIG } from '@switchyard/runtime';

export interface ConsoleSettings {
  /** No SWITCHYARD_API_KEYS: every request is tenant "default" (the console shows a banner) */
  open_mode: boolean;
  /** SWITCHYARD_TRACE_URL_TEMPLATE, with `{trace_id}` where a job's trace id goes */
  trace_url_template: string | null;
}

/** What the console needs before it has a key: whether to ask for one, and how to link traces. */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  constructor(@Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig) {}

  @Get('settings.json')
  settings(): ConsoleSettings {
    return {
      open_mode: this.config.apiKeys.size === 0 && this.config.evalApiKeys.size === 0,
      trace_url_template: this.config.traceUrlTemplate ?? null,
    };
  }
}
