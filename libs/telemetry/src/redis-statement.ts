/** Arguments of one Redis command as ioredis hands them to the instrumentation. */
export type RedisCommandArgs = ReadonlyArray<string | Buffer | number | unknown[]>;

/** Scripts: `EVAL script numkeys key… arg…`; the args carry whole jobs, prompts and results. */
const SCRIPT_COMMANDS = /^(eval|evalsha|eval_ro|evalsha_ro|fcall|fcall_ro)$/i;
/** Commands whose arguments can hold credentials (AUTH, HELLO … AUTH, CONFIG SET requirepass…). */
const SECRET_ARGS = /^(auth|hello|acl|config|migrate)$/i;
const MAX_ARG_CHARS = 200;

function shown(arg: RedisCommandArgs[number]): string {
  const text = Buffer.isBuffer(arg) ? `[${arg.length} bytes]` : String(arg);
  return text.length > MAX_ARG_CHARS ? `${text.slice(0, MAX_ARG_CHARS)}…` : text;
}

function others(n: number): string[] {
  return n > 0 ? [`[${n} other arguments]`] : [];
}

/**
 * `db.query.text` for ioredis spans: the command and the key it works on, never the values. The
 * instrumentation's default keeps every argument of EVAL/EVALSHA, and Switchyard's scripts (and
 * BullMQ's) pass job records, prompts, model output and webhook messages as script arguments, so
 * traces would carry exactly the content SWITCHYARD_TRACE_CONTENT is meant to keep out.
 */
export function redisStatement(cmdName: string, cmdArgs: RedisCommandArgs): string {
  if (cmdArgs.length === 0) return cmdName;
  if (SCRIPT_COMMANDS.test(cmdName)) {
    const numKeys = Number(cmdArgs[1]);
    const keyCount = Number.isInteger(numKeys) && numKeys > 0 ? numKeys : 0;
    const keys = cmdArgs.slice(2, 2 + keyCount).map(shown);
    // EVAL's first argument is the script's source, EVALSHA's its digest, FCALL's a function name.
    const script = /^eval(_ro)?$/i.test(cmdName) ? '[script]' : shown(cmdArgs[0]);
    const rest = cmdArgs.length - Math.min(cmdArgs.length, 2 + keyCount);
    return [cmdName, script, String(keyCount), ...keys, ...others(rest)].join(' ');
  }
  if (SECRET_ARGS.test(cmdName)) return [cmdName, ...others(cmdArgs.length)].join(' ');
  return [cmdName, shown(cmdArgs[0]), ...others(cmdArgs.length - 1)].join(' ');
}
