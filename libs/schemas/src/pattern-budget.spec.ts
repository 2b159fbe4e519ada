import { PatternBudget, rememberedRegExpProblem } from './pattern-budget';

describe('PatternBudget', () => {
  it('passes patterns RE2 runs and names the problem of one it cannot', () => {
    const budget = new PatternBudget();
    expect(budget.problem('^[a-z]+$')).toBeNull();
    expect(budget.problem('^(?=x)a')).toMatch(/RE2/);
  });

  it('refuses the pattern after the most a schema may hold, without compiling it', () => {
    const budget = new PatternBudget({ maxPatterns: 2, budgetMs: Infinity });
    expect(budget.problem('^a$')).toBeNull();
    expect(budget.problem('^b$')).toBeNull();
    expect(budget.problem('^c$')).toMatch(/at most 2 patterns/);
  });

  it('refuses every pattern once the checks have used up the time budget', () => {
    let clock = 0;
    // Each compile "takes" 15 ms on this clock (one reading before, one after).
    const budget = new PatternBudget({ maxPatterns: 100, budgetMs: 20 }, () => (clock += 15));
    expect(budget.problem('^budget-1$')).toBeNull();
    expect(budget.problem('^budget-2$')).toBeNull();
    expect(budget.problem('^budget-3$')).toMatch(/more than 20 ms/);
  });

  it('charges nothing for a pattern whose verdict it remembers', () => {
    rememberedRegExpProblem('^remembered$');
    let clock = 0;
    const budget = new PatternBudget({ maxPatterns: 100, budgetMs: 10 }, () => (clock += 100));
    expect(budget.problem('^remembered$')).toBeNull();
    expect(budget.problem('^remembered$')).toBeNull();
  });

  it('remembers a verdict: the second check of a pattern compiles nothing', () => {
    expect(rememberedRegExpProblem('^(x|y){2,9}memo$')).toEqual({ problem: null, compiled: true });
    expect(rememberedRegExpProblem('^(x|y){2,9}memo$')).toEqual({ problem: null, compiled: false });
  });
});
