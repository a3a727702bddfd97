// SPDX-License-Identifier: MIT
// libFuzzer target for the YAML loaders a user can point Sitrep at: workflows (with their
// priority matrix and policies) and on-call schedules. Any input must give either a value or
// an error naming the file; never a crash, a hang or a leak.
#include "workflow/oncall.h"
#include "workflow/workflow.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace sitrep;

namespace {

void check(bool ok)
{
    if (!ok)
        abort();
}

void exerciseWorkflow(const workflow::Workflow &wf)
{
    check(!wf.states().isEmpty());
    check(wf.state(wf.initialState()) != nullptr);
    for (const auto &s : wf.states()) {
        check(wf.canonicalState(s.id) == s.id || wf.state(wf.canonicalState(s.id)) != nullptr);
        for (const QString &t : wf.allowedTargets(s.id))
            check(wf.transition(s.id, t) != nullptr && wf.state(t) != nullptr);
    }
    (void)wf.openStates();
    for (int p = 0; p <= 4; ++p)
        (void)wf.policy(domain::Priority(p));
    const auto &m = wf.matrix();
    for (int i = -1; i <= m.impacts().size(); ++i)
        for (int u = -1; u <= m.urgencies().size(); ++u)
            (void)m.at(i, u);
    for (const QString &i : m.impacts())
        for (const QString &u : m.urgencies())
            check(m.priority(i, u) != domain::Priority::None);
}

void exerciseOnCall(const workflow::OnCallSchedule &oc)
{
    for (const auto &g : oc.groups()) {
        for (qint64 at : {qint64(0), qint64(1767225600000), qint64(-86400000),
                          qint64(4102444800000), g.start, g.start - 1}) {
            auto a = oc.onCall(g.name, at);
            check(a.ok() && !a->member.isEmpty());
        }
    }
    (void)oc.route(QStringLiteral("database"), {QStringLiteral("checkout"), QStringLiteral("web")});
    (void)oc.route(QString(), {});
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString source = QStringLiteral("fuzz.yaml");

    auto wf = workflow::Workflow::fromYaml(text, source);
    if (wf.ok())
        exerciseWorkflow(*wf);
    else
        check(wf.errorMessage().startsWith(source));

    auto oc = workflow::OnCallSchedule::fromYaml(text, source);
    if (oc.ok())
        exerciseOnCall(*oc);
    else
        check(oc.errorMessage().startsWith(source));
    return 0;
}
