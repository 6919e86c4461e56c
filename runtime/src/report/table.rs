//! Tables the page sorts and filters itself (`table.js`, inlined: the report stays one file
//! that needs no network). Columns are described, not hard-coded in the script, so a new one
//! (a question's domain) is one more [`Column`] with its filter.

use std::collections::BTreeSet;

use super::svg::esc;

/// The script that sorts and filters every table written by [`table`].
pub const SCRIPT: &str = include_str!("table.js");

/// How a column sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Not sortable.
    No,
    /// As text (numbers inside compare as numbers: `Scenario-3` before `Scenario-16`).
    Text,
    /// As a number.
    Num,
}

/// How a column is filtered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// No control.
    No,
    /// Rows whose value contains the text typed.
    Contains,
    /// Rows whose value is the one chosen among the column's values.
    Choice,
    /// Rows whose value lies between a minimum and a maximum.
    Range,
}

/// One column.
#[derive(Debug, Clone)]
pub struct Column {
    /// Header text.
    pub head: String,
    /// Name the filters and the script use.
    pub key: &'static str,
    /// How it sorts.
    pub sort: Sort,
    /// How it filters.
    pub filter: Filter,
}

impl Column {
    /// A column.
    pub fn new(head: &str, key: &'static str, sort: Sort, filter: Filter) -> Column {
        Column {
            head: head.to_string(),
            key,
            sort,
            filter,
        }
    }
}

/// One cell: its HTML, and the value sorting and filtering compare.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Shown (already escaped HTML).
    pub html: String,
    /// Compared.
    pub value: String,
}

impl Cell {
    /// A cell showing `text` and comparing it.
    pub fn text(text: &str) -> Cell {
        Cell {
            html: esc(text),
            value: text.to_string(),
        }
    }

    /// A cell showing a number with `decimals` and comparing it exactly.
    pub fn num(x: f64, decimals: usize) -> Cell {
        Cell {
            html: format!("{x:.decimals$}"),
            value: format!("{x}"),
        }
    }
}

/// The filter controls and the table `id`, rows in their first order.
pub fn table(id: &str, class: &str, columns: &[Column], rows: &[Vec<Cell>]) -> String {
    let mut h = format!("<div class=\"filters\" data-for=\"{}\">", esc(id));
    for (i, c) in columns.iter().enumerate() {
        let key = c.key;
        let head = esc(&c.head);
        match c.filter {
            Filter::No => {}
            Filter::Contains => h.push_str(&format!(
                "<label>{head} <input type=\"search\" data-key=\"{key}\" data-filter=\"contains\" placeholder=\"contains\"></label>"
            )),
            Filter::Choice => {
                let values: BTreeSet<&str> = rows
                    .iter()
                    .filter_map(|r| r.get(i).map(|c| c.value.as_str()))
                    .collect();
                h.push_str(&format!(
                    "<label>{head} <select data-key=\"{key}\" data-filter=\"choice\"><option value=\"\">any</option>"
                ));
                for v in values {
                    h.push_str(&format!("<option>{}</option>", esc(v)));
                }
                h.push_str("</select></label>");
            }
            Filter::Range => h.push_str(&format!(
                "<label>{head} <input type=\"number\" step=\"any\" data-key=\"{key}\" data-filter=\"min\" placeholder=\"min\"> to <input type=\"number\" step=\"any\" data-key=\"{key}\" data-filter=\"max\" placeholder=\"max\"></label>"
            )),
        }
    }
    h.push_str(&format!(
        "<span class=\"count\"></span></div><table id=\"{}\" class=\"{}\"><thead><tr>",
        esc(id),
        esc(class)
    ));
    for c in columns {
        let head = esc(&c.head);
        match c.sort {
            Sort::No => h.push_str(&format!("<th data-key=\"{}\">{head}</th>", c.key)),
            Sort::Text | Sort::Num => h.push_str(&format!(
                "<th data-key=\"{}\" data-sort=\"{}\" aria-sort=\"none\"><button type=\"button\" title=\"sort by {head}\">{head}</button></th>",
                c.key,
                if c.sort == Sort::Num { "num" } else { "text" }
            )),
        }
    }
    h.push_str("</tr></thead><tbody>");
    for r in rows {
        h.push_str("<tr>");
        for c in r {
            h.push_str(&format!("<td data-v=\"{}\">{}</td>", esc(&c.value), c.html));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_follow_the_columns_and_values_are_escaped() {
        let cols = [
            Column::new("question", "question", Sort::Text, Filter::Contains),
            Column::new("outcome", "outcome", Sort::Text, Filter::Choice),
            Column::new("turns", "turns", Sort::Num, Filter::Range),
            Column::new("links", "links", Sort::No, Filter::No),
        ];
        let row = |q: &str, o: &str, t: f64| {
            vec![
                Cell::text(q),
                Cell::text(o),
                Cell::num(t, 1),
                Cell::text(""),
            ]
        };
        let h = table(
            "t",
            "questions",
            &cols,
            &[row("a<b", "missed", 3.0), row("c", "solved", 12.5)],
        );
        assert!(h.contains("data-v=\"a&lt;b\">a&lt;b</td>"), "{h}");
        assert!(h.contains("<option>missed</option><option>solved</option>"));
        assert_eq!(
            h.matches("data-filter=").count(),
            4,
            "contains, choice, min, max"
        );
        assert_eq!(
            h.matches("<button").count(),
            3,
            "the link column does not sort"
        );
        assert!(h.contains("data-v=\"12.5\">12.5</td>"));
    }
}
