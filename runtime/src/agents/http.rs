//! Calling a model API: timeouts, retries with exponential backoff and jitter on 429, 5xx,
//! network errors and unreadable bodies (honouring `Retry-After`), and a per-model limit on
//! concurrent requests and requests per minute shared by every episode of the process.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rand::Rng;
use serde_json::Value;

/// How to call an API.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Base URL (`https://api.openai.com/v1`, `https://api.anthropic.com`).
    pub base_url: String,
    /// API key (from the environment).
    pub api_key: String,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff; doubles each retry.
    pub backoff_base: Duration,
    /// Longest backoff.
    pub backoff_max: Duration,
    /// Requests in flight per model (0 = no limit).
    pub max_concurrent: usize,
    /// Requests per minute per model (0 = no limit).
    pub rpm: u32,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            base_url: String::new(),
            api_key: String::new(),
            timeout: Duration::from_secs(600),
            max_retries: 8,
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(120),
            max_concurrent: 0,
            rpm: 0,
        }
    }
}

/// Why a call failed for good.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// The prompt does not fit the model's context window.
    ContextOverflow(String),
    /// Any other failure, after the retries.
    Failed(String),
}

/// Per-model limiter: a counting semaphore plus a minimum spacing between request starts.
struct Limiter {
    state: Mutex<(usize, Option<Instant>)>,
    cv: Condvar,
    max: usize,
    spacing: Duration,
}

impl Limiter {
    fn acquire(&self) {
        let Ok(mut s) = self.state.lock() else { return };
        while self.max > 0 && s.0 >= self.max {
            match self.cv.wait(s) {
                Ok(g) => s = g,
                Err(_) => return,
            }
        }
        s.0 += 1;
        if let Some(last) = s.1 {
            let next = last + self.spacing;
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            }
        }
        s.1 = Some(Instant::now());
    }

    fn release(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.0 = s.0.saturating_sub(1);
        }
        self.cv.notify_one();
    }
}

fn limiter(model: &str, o: &HttpOptions) -> Arc<Limiter> {
    static ALL: OnceLock<Mutex<HashMap<String, Arc<Limiter>>>> = OnceLock::new();
    let all = ALL.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = match all.lock() {
        Ok(m) => m,
        Err(p) => p.into_inner(),
    };
    map.entry(format!("{}|{model}", o.base_url))
        .or_insert_with(|| {
            Arc::new(Limiter {
                state: Mutex::new((0, None)),
                cv: Condvar::new(),
                max: o.max_concurrent,
                spacing: if o.rpm == 0 {
                    Duration::ZERO
                } else {
                    Duration::from_secs(60) / o.rpm
                },
            })
        })
        .clone()
}

/// Backoff before retry `attempt` (0-based): `Retry-After` when the server gave one, else
/// exponential with full jitter between half and all of the step.
pub fn backoff(o: &HttpOptions, attempt: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(r) = retry_after {
        return r.min(o.backoff_max);
    }
    let step = o
        .backoff_base
        .saturating_mul(1u32 << attempt.min(16))
        .min(o.backoff_max);
    // Jitter only has to differ between concurrent clients, so the clock seeds it.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut rng =
        <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(nanos ^ u64::from(attempt));
    step.mul_f64(rng.random_range(0.5..=1.0))
}

/// `Retry-After` in seconds (the HTTP-date form is rare from model APIs and treated as absent).
fn retry_after(v: Option<&str>) -> Option<Duration> {
    v.and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

/// Whether an error body says the prompt is too long.
fn is_overflow(body: &str) -> bool {
    let b = body.to_ascii_lowercase();
    b.contains("context_length_exceeded")
        || b.contains("prompt is too long")
        || b.contains("maximum context length")
        || b.contains("too many tokens")
}

/// Whether an error body is a server's verdict on the request rather than an outage: JSON
/// that names a validation failure. Servers built on FastAPI or pydantic (llama-cpp-python,
/// some vLLM and SGLang versions) answer a request they cannot parse with HTTP 500 and such a
/// body; the same body twice means retrying cannot help.
fn is_validation(body: &str) -> bool {
    let b = body.to_ascii_lowercase();
    serde_json::from_str::<Value>(body).is_ok()
        && (b.contains("valid") || b.contains("schema") || b.contains("unprocessable"))
}

/// POSTs JSON and returns the parsed JSON reply, retrying what is worth retrying.
pub fn post_json(
    o: &HttpOptions,
    model: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &Value,
) -> Result<Value, CallError> {
    let lim = limiter(model, o);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(o.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{}{path}", o.base_url.trim_end_matches('/'));
    let mut last = String::new();
    let mut last_500: Option<String> = None;
    for attempt in 0..=o.max_retries {
        lim.acquire();
        let mut req = agent.post(&url).header("content-type", "application/json");
        for (k, v) in headers {
            req = req.header(*k, v.as_str());
        }
        let result = req.send(body.to_string());
        lim.release();
        let wait = match result {
            Err(e) => {
                last = format!("network error: {e}");
                None
            }
            Ok(mut resp) => {
                let status = resp.status().as_u16();
                let after = retry_after(
                    resp.headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok()),
                );
                let text = resp
                    .body_mut()
                    .with_config()
                    .limit(64 << 20)
                    .read_to_string();
                match (status, text) {
                    (200..=299, Ok(t)) => match serde_json::from_str::<Value>(&t) {
                        Ok(v) => return Ok(v),
                        Err(e) => {
                            last = format!(
                                "HTTP {status} with a body that is not JSON ({e}): {}",
                                snippet(&t)
                            );
                            None
                        }
                    },
                    (_, Err(e)) => {
                        last = format!("HTTP {status}, body unreadable: {e}");
                        None
                    }
                    (400 | 413, Ok(t)) if is_overflow(&t) => {
                        return Err(CallError::ContextOverflow(snippet(&t)));
                    }
                    (500, Ok(t)) if is_validation(&t) && last_500.as_deref() == Some(&t) => {
                        return Err(CallError::Failed(format!(
                            "HTTP {status} from {url}, the same validation error twice, so the \
                             request itself is at fault (not retried further): {}",
                            snippet(&t)
                        )));
                    }
                    (408 | 409 | 429 | 500..=599, Ok(t)) => {
                        if status == 500 {
                            last_500 = Some(t.clone());
                        }
                        last = format!("HTTP {status}: {}", snippet(&t));
                        after
                    }
                    (_, Ok(t)) => {
                        return Err(CallError::Failed(format!(
                            "HTTP {status} from {url}: {}",
                            snippet(&t)
                        )));
                    }
                }
            }
        };
        if attempt < o.max_retries {
            std::thread::sleep(backoff(o, attempt, wait));
        }
    }
    Err(CallError::Failed(format!(
        "{url}: gave up after {} attempts; last: {last}",
        o.max_retries + 1
    )))
}

fn snippet(t: &str) -> String {
    let s: String = t.chars().take(300).collect();
    if t.chars().count() > 300 {
        format!("{s}...")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_caps_and_honours_retry_after() {
        let o = HttpOptions {
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(10),
            ..HttpOptions::default()
        };
        for attempt in 0..6 {
            let step = Duration::from_secs(1 << attempt).min(Duration::from_secs(10));
            let b = backoff(&o, attempt, None);
            assert!(b >= step / 2 && b <= step, "attempt {attempt}: {b:?}");
        }
        assert_eq!(
            backoff(&o, 0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            backoff(&o, 0, Some(Duration::from_secs(300))),
            Duration::from_secs(10)
        );
        assert_eq!(retry_after(Some("2")), Some(Duration::from_secs(2)));
        assert_eq!(retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")), None);
        assert!(is_overflow(
            r#"{"error":{"code":"context_length_exceeded"}}"#
        ));
    }
}
