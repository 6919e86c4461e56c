//! FinOps' baseline playbook: read the anomaly, list resources new on its date with awk, then
//! drill down `data.csv` with python3 from the account to the instance family, comparing the
//! anomaly date with the same weekday of earlier weeks (so a weekly peak is not blamed), and
//! report the deepest level that explains the jump: a node whose every instance family rose
//! (or is new) and that has at least two children, else the instance families themselves.

use serde_json::{Value, json};

/// The drill-down script, run in the sandbox with the snapshot's path as its argument.
pub const DRILLDOWN: &str = include_str!("drilldown.py");

/// The playbook: (label, command), one a turn.
pub fn playbook() -> Vec<(&'static str, String)> {
    vec![
        ("anomaly", "cat /snapshot/anomaly.json; head -3 /snapshot/data.csv; wc -l < /snapshot/data.csv".to_string()),
        // Resources whose first cost row is on the anomaly date (the file is sorted by date).
        ("new resources", "d=$(jq -r .date /snapshot/anomaly.json); a=$(jq -r .account_id /snapshot/anomaly.json); awk -F, -v d=\"$d\" -v a=\"$a\" 'NR>1 && $2==a { k=$3\"/\"$4\"/\"$5\"/\"$6; if (!(k in first)) first[k]=$1 } END { for (k in first) if (first[k]==d) print \"new\\t\" k }' /snapshot/data.csv | sort".to_string()),
        ("drill-down", format!("cat > drilldown.py <<'PY'\n{DRILLDOWN}PY\npython3 drilldown.py /snapshot")),
    ]
}

/// The answer from the drill-down's `REPORT` lines (type, name), in order, once each.
pub fn diagnose(drilldown: &str) -> Value {
    let mut resource: Vec<Value> = Vec::new();
    for l in drilldown.lines() {
        if let ["REPORT", kind, name] = l.split('\t').collect::<Vec<_>>().as_slice() {
            let r = json!({"name": name, "type": kind});
            if !resource.contains(&r) {
                resource.push(r);
            }
        }
    }
    json!({ "resource": resource })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_become_resources() {
        let out = "ACCOUNT\tx\tup\t1\t1\nREPORT\tInstance Family\tm5.xlarge\nREPORT\tApplication\tbilling\nREPORT\tApplication\tbilling\n";
        assert_eq!(
            diagnose(out),
            json!({"resource": [{"name": "m5.xlarge", "type": "Instance Family"}, {"name": "billing", "type": "Application"}]})
        );
        assert_eq!(diagnose(""), json!({"resource": []}));
    }
}
