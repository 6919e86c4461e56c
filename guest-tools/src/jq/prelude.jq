# jq 1.6's definitions where jaq lacks them or defines them otherwise. They are loaded after
# jaq's own, so a program sees these. docs/COMPATIBILITY.md lists what still differs.

# `@csv` and `@tsv`, which jaq 3 leaves to its binary.
def @tsv: if type != "array" then error("\(type) (\(tojson)) cannot be tsv-formatted, only an array can be")
  else map(if type == "string" then gsub("\\\\"; "\\\\") | gsub("\t"; "\\t") | gsub("\n"; "\\n") | gsub("\r"; "\\r")
           elif . == null then "" else tojson end) | join("\t") end;
def @csv: if type != "array" then error("\(type) (\(tojson)) cannot be csv-formatted, only an array can be")
  else map(if type == "string" then "\"" + gsub("\""; "\"\"") + "\""
           elif type == "array" or type == "object" then error("\(type) (\(tojson)) is not valid in a csv row")
           elif . == null then "" else tojson end) | join(",") end;

# jq deletes every path at once, the last first, so one deletion does not shift the next:
# `[1,2,3,4] | del(.[0,2])` is `[2,4]` (jaq deleted them in turn: `[2,3]`).
def delpaths($ps): reduce ($ps | unique | reverse[]) as $p (.; getpath($p) |= empty);
def del(f): delpaths([path(f)]);

# null joins as "", numbers and booleans as JSON, arrays and objects are an error.
def join($x): reduce .[] as $i (null;
    (if . == null then "" else . + $x end)
    + ($i | if type == "boolean" or type == "number" then tojson elif . == null then "" else . end)
  ) // "";

# Anything that is not a string with that prefix (suffix) comes back unchanged.
def ltrimstr($x):
  if type == "string" and ($x | type) == "string" and startswith($x) then .[($x | length):] else . end;
def rtrimstr($x):
  if type == "string" and ($x | type) == "string" and endswith($x) and ($x | length) > 0
  then .[:length - ($x | length)] else . end;

# jq's gamma is the logarithm of the gamma function.
def gamma: lgamma;

def leaf_paths: paths(scalars);

def INDEX(stream; idx_expr): reduce stream as $row ({}; .[$row | idx_expr | tostring] |= $row);
def INDEX(idx_expr): INDEX(.[]; idx_expr);
def IN(s): any(s == .; .);
def IN(src; s): any(src == s; .);

# Streaming form: `[path, leaf]` for every leaf, `[path]` when an array or object closes.
def tostream: path(def r: (.[]? | r), .; r) as $p | getpath($p)
  | reduce path(.[]?) as $q ([$p, .]; [$p + $q]);
def fromstream(f): { x: null, e: false } as $init
  | foreach f as $i ($init;
      if .e then $init else . end
      | if $i | length == 2
        then setpath(["e"]; $i[0] | length == 0) | setpath(["x"] + $i[0]; $i[1])
        else setpath(["e"]; $i[0] | length == 1) end;
      if .e then .x else empty end);
def truncate_stream(stream): . as $n | null | stream | . as $input
  | if (.[0] | length) > $n then setpath([0]; .[0][$n:]) else empty end;

# Whole seconds, as jq's strftime shows them.
def todate: floor | todateiso8601;
