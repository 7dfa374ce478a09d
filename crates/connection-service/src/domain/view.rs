//! Rendering stored rows as answers.

use time::format_description::FormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

use super::model::ConnectionView;
use crate::content;
use crate::store::ConnectionRecord;

const JAVA_STYLE: &[FormatItem<'static>] = format_description!(
    "[month repr:short] [day padding:none], [year] [hour repr:12 padding:none]:[minute]:[second] [period]"
);

/// Formats a time the way DataWorks answers GmtCreate/GmtModified: `Mar 17, 2021 4:09:32 PM`, UTC.
pub fn java_time(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(JAVA_STYLE)
        .unwrap_or_default()
}

/// The answer form of a stored connection: secrets masked, times as text.
pub(crate) fn connection_view(r: ConnectionRecord) -> ConnectionView {
    ConnectionView {
        id: r.id,
        name: r.name,
        project_id: r.project_id,
        tenant_id: r.tenant_id,
        connection_type: r.connection_type,
        sub_type: r.sub_type.unwrap_or_default(),
        content: content::masked(&r.content),
        description: r.description,
        env_type: r.env_type,
        status: r.status,
        connect_status: r.connect_status,
        shared: r.shared,
        sequence: r.sequence,
        binding_calc_engine_id: r.binding_calc_engine_id,
        default_engine: r.default_engine,
        operator: r.operator,
        gmt_create: java_time(r.gmt_create),
        gmt_modified: java_time(r.gmt_modified),
        version: r.version,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn java_style_times() {
        assert_eq!(
            java_time(datetime!(2021-03-17 16:09:32 UTC)),
            "Mar 17, 2021 4:09:32 PM"
        );
        assert_eq!(
            java_time(datetime!(2021-01-05 00:00:07 UTC)),
            "Jan 5, 2021 12:00:07 AM"
        );
        assert_eq!(
            java_time(datetime!(2021-01-05 12:30:00 UTC)),
            "Jan 5, 2021 12:30:00 PM"
        );
        assert_eq!(
            java_time(datetime!(2021-03-17 18:09:32 +02:00)),
            "Mar 17, 2021 4:09:32 PM"
        );
    }
}
