// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace sitrep::cli {

/// `sitrep agent [--config FILE] [--db PATH] [--listen ADDR:PORT] [--server URL] ...` (also
/// `sitrep serve`): the headless client that runs every background service around the
/// clock through a host::ServiceHost in the agent role: the SLA clock, escalations,
/// reminders, postmortem automation, triage, remediation dispatch, the SQS consumer and the
/// notifier, the webhook listener when configured, and sync with the back end. Secrets
/// come from files (systemd credentials in $CREDENTIALS_DIRECTORY, or files flags name),
/// else the keychain. Runs until SIGTERM or SIGINT, then stops cleanly (exit 0).
int runAgent(const QStringList &args);

/// The arguments with those of the --config FILE (a JSON object whose keys are the long
/// option names) inserted after the command word, so that flags given win. Fails for a file
/// that cannot be read or is not a JSON object.
struct AgentArgs {
    QStringList args;
    QString error;
};
AgentArgs withConfigFile(const QStringList &args);

} // namespace sitrep::cli
