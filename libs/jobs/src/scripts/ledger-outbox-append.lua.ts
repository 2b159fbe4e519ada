/**
 * Lua shared by the scripts that end an attempt or a job: `ARG.ledger_row`, when not empty, joins
 * the ledger outbox in the script's own step, so no crash can leave the end without its row
 * waiting to be stored. A full outbox (`ARG.outbox_cap` entries) refuses the row and counts it.
 * A script using it declares the keys `outbox` and `outbox_overflow` and the args `ledger_row`
 * and `outbox_cap`.
 */
export const APPEND_LEDGER_ROW_LUA = `
if ARG.ledger_row ~= '' then
  if redis.call('XLEN', KEY.outbox) < tonumber(ARG.outbox_cap) then
    redis.call('XADD', KEY.outbox, '*', 'row', ARG.ledger_row)
  else
    redis.call('INCR', KEY.outbox_overflow)
  end
end
`;
