/// The credential stores the sensor watches by default (read-only opens reported), beside
/// /etc/shadow and the SSH keys: cloud CLIs (AWS, gcloud, Azure), kubeconfig, Docker registry
/// auth, git credential files and database password files, in root's home and every
/// /home/* (glob patterns, expanded once at the agent's start by `WatchPaths`).
///
/// Exists so that a read of these files by anything but their owner tool is a kernel-observed
/// event rules judge (credential_access/credential-store-read-by-other-program), not only a
/// command line naming them. Files only (MAMORI_WATCH_FILE: one hash lookup per read-only open
/// on their device, no parent-directory walk). Immutable; any thread.
public enum CredentialStores {
    public static let watchFiles: [String] = [
        "/root/.aws/credentials",
        "/home/*/.aws/credentials",
        "/root/.config/gcloud/credentials.db",
        "/home/*/.config/gcloud/credentials.db",
        "/root/.config/gcloud/application_default_credentials.json",
        "/home/*/.config/gcloud/application_default_credentials.json",
        "/root/.azure/accessTokens.json",
        "/home/*/.azure/accessTokens.json",
        "/root/.azure/msal_token_cache.json",
        "/home/*/.azure/msal_token_cache.json",
        "/root/.kube/config",
        "/home/*/.kube/config",
        "/root/.docker/config.json",
        "/home/*/.docker/config.json",
        "/root/.git-credentials",
        "/home/*/.git-credentials",
        "/root/.pgpass",
        "/home/*/.pgpass",
        "/root/.my.cnf",
        "/home/*/.my.cnf",
        "/root/.netrc",
        "/home/*/.netrc",
        "/root/.vault-token",
        "/home/*/.vault-token",
        "/etc/kubernetes/admin.conf",
    ]
}
