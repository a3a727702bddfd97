// SPDX-License-Identifier: MIT
#include "ingest/ingestpipeline.h"

#include <QJsonArray>

namespace sitrep::ingest {

class Correlator {};

QJsonObject IngestResult::toJson() const
{
    return {{QStringLiteral("received"), received},   {QStringLiteral("opened"), opened},
            {QStringLiteral("attached"), attached},   {QStringLiteral("deduplicated"), deduplicated},
            {QStringLiteral("resolved"), resolved},   {QStringLiteral("pending"), pending},
            {QStringLiteral("suppressed"), suppressed}, {QStringLiteral("ignored"), ignored},
            {QStringLiteral("incidents"), QJsonArray::fromStringList(incidents)}};
}

IngestPipeline::IngestPipeline(engine::LifecycleEngine &engine, IngestConfig config, QObject *parent)
    : QObject(parent), m_engine(engine), m_config(std::move(config))
{
}

IngestPipeline::~IngestPipeline() = default;

QStringList IngestPipeline::sources()
{
    return {QStringLiteral("alertmanager"), QStringLiteral("pagerduty"), QStringLiteral("sentry"),
            QStringLiteral("grafana"), QStringLiteral("datadog"), QStringLiteral("generic")};
}

Result<IngestResult> IngestPipeline::ingest(const QString &source, const QByteArray &, const QHash<QByteArray, QByteArray> &)
{
    if (!sources().contains(source))
        return Result<IngestResult>::fail(QStringLiteral("unknown source '%1'").arg(source), errors::UnknownSource);
    return Result<IngestResult>::fail(QStringLiteral("not implemented yet"), errors::Database);
}

Result<IngestResult> IngestPipeline::ingestAlerts(const QList<Alert> &)
{
    return Result<IngestResult>::fail(QStringLiteral("not implemented yet"), errors::Database);
}

Result<IngestResult> IngestPipeline::ingestGeneric(const QByteArray &)
{
    return Result<IngestResult>::fail(QStringLiteral("not implemented yet"), errors::Database);
}

} // namespace sitrep::ingest
