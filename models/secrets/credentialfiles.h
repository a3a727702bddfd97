// SPDX-License-Identifier: MIT
#pragma once

#include "secrets/secretstore.h"

#include <QHash>
#include <QString>

namespace sitrep::secrets {

/// Secrets a service manager hands a headless process as files: systemd's LoadCredential=
/// puts each in $CREDENTIALS_DIRECTORY under its credential name, and a flag may name a
/// file for one secret. The credential name of a secret is its name with '.' and '_' as
/// '-' (backend.token: server-token, see credentialName()). Read only: nothing is ever
/// written here. A secret without a file comes from `fallback` (the keychain on a desktop)
/// when one is given.
class CredentialFileStore final : public SecretStore {
public:
    /// `directory`: where the credential files are (empty: none); `files`: secret name (or
    /// credential name) to file, for the secrets flags name.
    CredentialFileStore(QString directory, QHash<QString, QString> files,
                        SecretStore *fallback = nullptr);

    /// $CREDENTIALS_DIRECTORY, empty when the process was not given credentials.
    static QString systemdDirectory();
    /// The file name a secret has among credentials: "ingest.token" -> "ingest-token",
    /// "backend.token" -> "server-token", "aws.secret_access_key" -> "aws-secret-access-key".
    static QString credentialName(const QString &secret);
    /// The file a secret is read from, empty when there is none.
    QString fileOf(const QString &name) const;

    void read(const QString &name, ReadDone done) override;
    void write(const QString &name, const QString &value, Done done) override;
    void remove(const QString &name, Done done) override;

private:
    QString m_directory;
    QHash<QString, QString> m_files;
    SecretStore *m_fallback;
};

} // namespace sitrep::secrets
