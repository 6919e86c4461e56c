# rcabox's FinOps baseline: drill down data.csv from the account to the instance family,
# comparing the anomaly date with the same weekday of earlier weeks (seasonality), and report
# the deepest level that explains the jump. Prints one tab-separated line a finding.
import csv, datetime, json, sys

snap = sys.argv[1] if len(sys.argv) > 1 else "/snapshot"
anomaly = json.load(open(snap + "/anomaly.json"))
day = datetime.date.fromisoformat(anomaly["date"])
account = anomaly["account_id"]
LEVELS = ["CSP", "Cloud_Service", "Application", "Instance_Family"]
TYPES = ["CSP", "Cloud Service", "Application", "Instance Family"]

costs = {}  # leaf -> {date: cost}
with open(snap + "/data.csv", newline="") as f:
    for row in csv.DictReader(f):
        if row["Account ID"] != account:
            continue
        leaf = tuple(row[k] for k in LEVELS)
        d = datetime.date.fromisoformat(row["date"])
        costs.setdefault(leaf, {})
        costs[leaf][d] = costs[leaf].get(d, 0.0) + float(row["unblended_cost"])

def same_weekday(series):
    past = []
    k = 1
    while True:
        d = day - datetime.timedelta(days=7 * k)
        if d < min(series):
            break
        if d in series:
            past.append(series[d])
        k += 1
    return past

def verdict(series):
    now = series.get(day, 0.0)
    past = same_weekday(series) if series else []
    if now > 0 and not any(d < day for d in series):
        return "new", now, 0.0
    if not past:
        return "normal", now, 0.0
    mean = sum(past) / len(past)
    sd = (sum((x - mean) ** 2 for x in past) / len(past)) ** 0.5
    sd = max(sd, 0.02 * mean)
    if now > mean + 4 * sd and now >= 1.3 * mean:
        return "up", now, mean
    return "normal", now, mean

def series_of(prefix):
    out = {}
    for leaf, s in costs.items():
        if leaf[: len(prefix)] == prefix:
            for d, c in s.items():
                out[d] = out.get(d, 0.0) + c
    return out

def children(prefix):
    if len(prefix) == len(LEVELS):
        return []
    return sorted({leaf[: len(prefix) + 1] for leaf in costs if leaf[: len(prefix)] == prefix})

def fully(prefix):
    # Every leaf under prefix rose or is new.
    if len(prefix) == len(LEVELS):
        return verdict(costs[prefix])[0] in ("up", "new")
    return all(fully(c) for c in children(prefix))

def dow_ratio(series):
    # How far the anomaly date is from the mean of all earlier days: a weekly pattern
    # shows as a large ratio that the same-weekday baseline does not share.
    before = [c for d, c in series.items() if d < day]
    return series.get(day, 0.0) / (sum(before) / len(before)) if before else 0.0

found = []
def walk(prefix):
    kids = children(prefix)
    if prefix and fully(prefix) and (len(prefix) == len(LEVELS) or len(kids) >= 2):
        found.append(prefix)
        return
    for c in kids:
        walk(c)

total = series_of(())
v, now, base = verdict(total)
print("ACCOUNT\t%s\t%s\t%.2f\t%.2f" % (account, v, now, base))
if fully(()) and len(children(())) >= 2:
    found.append(())
else:
    walk(())
for prefix in sorted({leaf[:n] for leaf in costs for n in range(1, 5)}):
    v, now, base = verdict(series_of(prefix))
    r = dow_ratio(series_of(prefix))
    note = "seasonal" if v == "normal" and r > 1.3 else v
    print("LEVEL\t%s\t%s\t%s\t%.2f\t%.2f" % (TYPES[len(prefix) - 1], "/".join(prefix), note, now, base))
if not found:
    # Nothing rose as a whole: blame the instance family that rose the most.
    gains = [(verdict(s)[1] - verdict(s)[2], leaf) for leaf, s in costs.items()]
    if gains:
        found.append(max(gains)[1])
for prefix in found:
    if prefix:
        print("REPORT\t%s\t%s" % (TYPES[len(prefix) - 1], prefix[-1]))
    else:
        print("REPORT\tAccount\t%s" % account)
