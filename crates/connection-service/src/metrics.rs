//! Request metrics and the per-request log line, fed by the generated router's operation hooks.

use std::sync::Arc;

use dataworks_server_stub::{Operation, OperationHooks, Outcome, RequestId};
use metrics::{Key, Label, Level, Metadata, Recorder};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};

const REQUESTS: &str = "dataworks_requests_total";
const LATENCY: &str = "dataworks_request_duration_seconds";
const METADATA: Metadata<'static> = Metadata::new(module_path!(), Level::INFO, None);

/// Prometheus counters (requests by Action and Code) and a latency histogram (by Action). The
/// recorder is owned here rather than installed globally, so several servers in one process
/// (tests) keep separate figures.
#[derive(Clone)]
pub struct Metrics {
    recorder: Arc<PrometheusRecorder>,
    handle: PrometheusHandle,
}

impl Default for Metrics {
    fn default() -> Self {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&[
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ])
            .expect("static, non-empty bucket list")
            .build_recorder();
        let handle = recorder.handle();
        Self {
            recorder: Arc::new(recorder),
            handle,
        }
    }
}

impl Metrics {
    /// The Prometheus text exposition of everything recorded so far.
    pub fn render(&self) -> String {
        self.handle.render()
    }
}

impl OperationHooks for Metrics {
    fn after(&self, operation: Operation, request_id: &RequestId, outcome: &Outcome<'_>) {
        let action = operation.as_str();
        let code = outcome.error_code.unwrap_or("Success");
        let requests = Key::from_parts(
            REQUESTS,
            vec![
                Label::new("action", action),
                Label::new("code", code.to_owned()),
            ],
        );
        self.recorder
            .register_counter(&requests, &METADATA)
            .increment(1);
        let latency = Key::from_parts(LATENCY, vec![Label::new("action", action)]);
        self.recorder
            .register_histogram(&latency, &METADATA)
            .record(outcome.latency.as_secs_f64());
        // One line per request, with the request id and never the URL: Content (passwords) and
        // signatures travel in the query string.
        tracing::info!(
            request_id = %request_id,
            action,
            code,
            status = outcome.status.as_u16(),
            latency_us = u64::try_from(outcome.latency.as_micros()).unwrap_or(u64::MAX),
            "request"
        );
    }
}
