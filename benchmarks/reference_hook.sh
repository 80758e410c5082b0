#!/bin/sh
# Reference capture hook: sh + jq + sqlite3, one row per hook event.
#
# The benchmarks time interstat's own hook against this: about the least a
# hook can do to land one Claude Code hook event in SQLite, as one process
# chain (sh, jq, sqlite3) per event, the way a hooks.json command runs.
#
#   INTERSTAT_REF_DB=/tmp/ref.db benchmarks/reference_hook.sh < event.json
#
# In a plugin's hooks/hooks.json, on SubagentStart, SubagentStop and on
# PreToolUse/PostToolUse/PostToolUseFailure with matcher "Task|Agent":
#   {"type": "command", "command": "\"${CLAUDE_PLUGIN_ROOT}\"/reference_hook.sh"}
#
# It writes a minimal table of its own (not interstat's agent_runs schema),
# one row for every event whatever its kind: a reference for the cost of
# landing an event in SQLite, not a capture tool. The hook always exits 0 with
# nothing on stdout: a capture hook must never block Claude Code (exit 2
# would) or talk to it. Problems go to stderr as one line.

db=${INTERSTAT_REF_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/interstat-ref/agent_runs.db}
# Parameter expansion rather than dirname: no extra process on the hot path.
[ -d "${db%/*}" ] || mkdir -p "${db%/*}" || {
    echo "reference_hook: cannot create ${db%/*}" >&2
    exit 0
}

# jq writes the whole SQL script and every value becomes an SQL string
# literal: NULs dropped (the sqlite3 shell reads lines as C strings, so a NUL
# would end a literal early and let the rest of the line run as SQL), then
# single quotes doubled, which is all a literal needs. `.param set` would not
# be simpler: it first tries its value as an SQL expression, so it needs the
# same quoting plus a second layer for the dot-command parser. The quote is
# written \u0027 so that this program can sit inside shell single quotes.
sql=$(jq -r '
  def q: "\u0027";
  def lit:
    if . == null then "NULL"
    else tostring | explode | map(select(. != 0)) | implode | q + gsub(q; q + q) + q
    end;
  (.hook_event_name // "") as $event
  | ((.tool_name // "") | test("^(Agent|Task)$")) as $dispatch
  # On Agent tool events agent_id/agent_type name the caller, not the run the
  # row is about. Each `//` chain ends in null: a `?` that fails yields
  # nothing, which would drop the column instead of leaving it empty.
  | [ .session_id,
      (if $dispatch then (.tool_response.agentId? // null) else .agent_id end),
      .tool_use_id,
      (if $dispatch then (.tool_input.subagent_type? // .tool_response.agentType? // null)
       else .agent_type end),
      (if $event == "SubagentStart" then "running"
       elif $event == "SubagentStop" then "completed"
       elif $event == "PostToolUseFailure" then "failed"
       elif $event == "PreToolUse" then "dispatched"
       else (.tool_response.status? // $event) end)
    ]
  | map(lit) | join(", ")
  | ".timeout 5000\n"
    + "PRAGMA journal_mode=WAL;\n"
    + "CREATE TABLE IF NOT EXISTS agent_runs (session_id TEXT, agent_id TEXT,"
    + " tool_use_id TEXT, agent_name TEXT, status TEXT, started_at TEXT);\n"
    + "INSERT INTO agent_runs (session_id, agent_id, tool_use_id, agent_name,"
    + " status, started_at) VALUES (" + . + ", strftime("
    + q + "%Y-%m-%dT%H:%M:%fZ" + q + ", " + q + "now" + q + "));"
') || {
    echo "reference_hook: could not read the hook event" >&2
    exit 0
}

printf '%s\n' "$sql" | sqlite3 -batch -bail "$db" >/dev/null ||
    echo "reference_hook: insert into $db failed" >&2
exit 0
