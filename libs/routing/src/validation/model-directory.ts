import type { ModelConfig } from '../routing-table.types';

/**
 * Every model the loader knows of (catalog plus routes file) and which providers are declared;
 * tasks may only route to models that are known and whose provider is declared.
 */
export class ModelDirectory {
  constructor(
    readonly all: ReadonlyMap<string, ModelConfig>,
    readonly declaredProviders: ReadonlySet<string>,
  ) {}

  isUsable(id: string): boolean {
    const model = this.all.get(id);
    return model !== undefined && this.declaredProviders.has(model.provider);
  }

  usableIds(): string[] {
    return [...this.all.keys()].filter((id) => this.isUsable(id));
  }

  /** Usable models first, so a suggestion never points at a model that would fail anyway. */
  suggestionPool(): string[] {
    const usable = this.usableIds();
    return [...usable, ...[...this.all.keys()].filter((id) => !usable.includes(id))];
  }
}
