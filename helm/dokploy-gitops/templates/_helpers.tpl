{{/*
Shared names, labels and credential logic. Object names follow the usual
helm convention (release-chart, cut to 63 characters) so several releases can
share a namespace.
*/}}

{{- define "dokploy-gitops.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "dokploy-gitops.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "dokploy-gitops.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object (Kubernetes recommended labels). */}}
{{- define "dokploy-gitops.labels" -}}
helm.sh/chart: {{ include "dokploy-gitops.chart" . }}
{{ include "dokploy-gitops.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: reconciler
app.kubernetes.io/part-of: dokploy-gitops
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The stable subset used by selectors (never change these: selectors are immutable). */}}
{{- define "dokploy-gitops.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dokploy-gitops.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "dokploy-gitops.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "dokploy-gitops.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "dokploy-gitops.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The Secret holding the credentials: the user's, or the one the chart creates. */}}
{{- define "dokploy-gitops.secretName" -}}
{{- default (include "dokploy-gitops.fullname" .) .Values.credentials.existingSecret }}
{{- end }}

{{/* "true" when the chart creates the credentials Secret. */}}
{{- define "dokploy-gitops.createSecret" -}}
{{- if not .Values.credentials.existingSecret }}true{{ end }}
{{- end }}

{{/* Which optional credentials are in use ("true" or empty): enabled explicitly, or implied by a value. */}}
{{- define "dokploy-gitops.gitToken.enabled" -}}
{{- if or .Values.credentials.gitToken.enabled .Values.credentials.gitToken.value }}true{{ end }}
{{- end }}
{{- define "dokploy-gitops.gitSsh.enabled" -}}
{{- if or .Values.credentials.gitSsh.enabled .Values.credentials.gitSsh.privateKey }}true{{ end }}
{{- end }}
{{- define "dokploy-gitops.webhookSecret.enabled" -}}
{{- if or .Values.credentials.webhookSecret.enabled .Values.credentials.webhookSecret.value }}true{{ end }}
{{- end }}
{{- define "dokploy-gitops.statusToken.enabled" -}}
{{- if or .Values.credentials.statusToken.enabled .Values.credentials.statusToken.value }}true{{ end }}
{{- end }}
{{- define "dokploy-gitops.notify.enabled" -}}
{{- if or .Values.notifications.enabled .Values.credentials.notifyUrls.value }}true{{ end }}
{{- end }}
{{- define "dokploy-gitops.notifySecret.enabled" -}}
{{- if or .Values.credentials.notifySecret.enabled .Values.credentials.notifySecret.value }}true{{ end }}
{{- end }}
{{- define "dokploy-gitops.ntfyToken.enabled" -}}
{{- if or .Values.credentials.ntfyToken.enabled .Values.credentials.ntfyToken.value }}true{{ end }}
{{- end }}
{{- define "dokploy-gitops.commitStatusToken.enabled" -}}
{{- if or .Values.credentials.commitStatusToken.enabled .Values.credentials.commitStatusToken.value }}true{{ end }}
{{- end }}

{{/*
The status token for the chart's Secret, base64 as Secret data holds it: the
given value; else the one already in the release's Secret (so an upgrade keeps
it: Helm `lookup`, which sees nothing under `helm template`); else a new random
one. Render it once per release: every call may generate a new one.
*/}}
{{- define "dokploy-gitops.statusTokenData" -}}
{{- $c := .Values.credentials.statusToken }}
{{- if $c.value }}
{{- $c.value | b64enc }}
{{- else }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "dokploy-gitops.fullname" .) }}
{{- $kept := "" }}
{{- if $existing }}{{ $kept = index ($existing.data | default dict) $c.key | default "" }}{{ end }}
{{- $kept | default (randAlphaNum 48 | b64enc) }}
{{- end }}
{{- end }}

{{/* Where the credential files are mounted in the container. */}}
{{- define "dokploy-gitops.credentialsDir" -}}/etc/dokploy-gitops/credentials{{- end }}

{{/*
Cross-field checks the schema cannot express. Each message names the value,
what is wrong and what to do, because `helm install` shows nothing else.
*/}}
{{- define "dokploy-gitops.validate" -}}
{{- $c := .Values.credentials }}
{{- if $c.existingSecret }}
{{- range $field, $value := dict "apiKey.value" $c.apiKey.value "gitToken.value" $c.gitToken.value "gitSsh.privateKey" $c.gitSsh.privateKey "gitSsh.knownHosts" $c.gitSsh.knownHosts "webhookSecret.value" $c.webhookSecret.value "statusToken.value" $c.statusToken.value "notifyUrls.value" $c.notifyUrls.value "notifySecret.value" $c.notifySecret.value "ntfyToken.value" $c.ntfyToken.value "commitStatusToken.value" $c.commitStatusToken.value }}
{{- if $value }}
{{- fail (printf "credentials.%s is set, but so is credentials.existingSecret (%q): the chart only uses the existing Secret; put the value there and remove credentials.%s" $field $c.existingSecret $field) }}
{{- end }}
{{- end }}
{{- else }}
{{- if and $c.gitToken.enabled (not $c.gitToken.value) }}
{{- fail "credentials.gitToken.enabled is true but credentials.gitToken.value is empty: set the token, or name a Secret holding it with credentials.existingSecret" }}
{{- end }}
{{- if and (include "dokploy-gitops.gitSsh.enabled" .) (not $c.gitSsh.privateKey) }}
{{- fail "credentials.gitSsh.enabled is true but credentials.gitSsh.privateKey is empty: set the private key, or name a Secret holding it with credentials.existingSecret" }}
{{- end }}
{{- if and (include "dokploy-gitops.gitSsh.enabled" .) (not $c.gitSsh.knownHosts) }}
{{- fail "credentials.gitSsh.knownHosts is empty: SSH git access needs the host's known_hosts lines (ssh-keyscan HOST), host key checking is never turned off" }}
{{- end }}
{{- if and $c.webhookSecret.enabled (not $c.webhookSecret.value) }}
{{- fail "credentials.webhookSecret.enabled is true but credentials.webhookSecret.value is empty: set the secret, or name a Secret holding it with credentials.existingSecret" }}
{{- end }}
{{- if and .Values.notifications.enabled (not $c.notifyUrls.value) }}
{{- fail "notifications.enabled is true but credentials.notifyUrls.value is empty: set the target URLs there (separated by spaces), or name a Secret holding them under credentials.notifyUrls.key with credentials.existingSecret" }}
{{- end }}
{{- range $name := list "notifySecret" "ntfyToken" "commitStatusToken" }}
{{- $e := index $c $name }}
{{- if and $e.enabled (not $e.value) }}
{{- fail (printf "credentials.%s.enabled is true but credentials.%s.value is empty: set it, or name a Secret holding it with credentials.existingSecret" $name $name) }}
{{- end }}
{{- end }}
{{- end }}
{{- if and .Values.commitStatus.enabled (not (include "dokploy-gitops.commitStatusToken.enabled" .)) (not (include "dokploy-gitops.gitToken.enabled" .)) }}
{{- fail "commitStatus.enabled needs a token for the forge's API: set credentials.commitStatusToken (or credentials.gitToken, which is used when there is no commit-status token)" }}
{{- end }}
{{- if and (or (include "dokploy-gitops.notifySecret.enabled" .) (include "dokploy-gitops.ntfyToken.enabled" .) .Values.notifications.renotifyInterval) (not (include "dokploy-gitops.notify.enabled" .)) }}
{{- fail "a notification setting (credentials.notifySecret, credentials.ntfyToken or notifications.renotifyInterval) is set but notifications are off: set notifications.enabled=true with the targets in credentials.notifyUrls" }}
{{- end }}
{{- if and $c.existingSecret (include "dokploy-gitops.statusToken.enabled" .) }}
{{- /* At install/upgrade (not under `helm template`), check the operator's Secret holds the token, so the pod does not fail to mount it. */}}
{{- $s := lookup "v1" "Secret" .Release.Namespace $c.existingSecret }}
{{- if and $s (not (hasKey ($s.data | default dict) $c.statusToken.key)) }}
{{- fail (printf "credentials.existingSecret %s has no key %q: the daemon needs a status token (control endpoints refuse every request without one). Add one: kubectl -n %s patch secret %s --type merge -p '{\"stringData\":{\"%s\":\"TOKEN\"}}' with TOKEN from openssl rand -hex 32; or set credentials.statusToken.enabled=false" $c.existingSecret $c.statusToken.key .Release.Namespace $c.existingSecret $c.statusToken.key) }}
{{- end }}
{{- end }}
{{- if $c.existingSecret }}
{{- /* At install/upgrade, check the operator's Secret holds each notification key in use: a missing one would stop the pod at start with a terse kubelet event. */}}
{{- $s := lookup "v1" "Secret" .Release.Namespace $c.existingSecret }}
{{- if $s }}
{{- $used := dict }}
{{- if include "dokploy-gitops.notify.enabled" . }}{{ $_ := set $used "notifyUrls" $c.notifyUrls.key }}{{ end }}
{{- if and (include "dokploy-gitops.notify.enabled" .) (include "dokploy-gitops.notifySecret.enabled" .) }}{{ $_ := set $used "notifySecret" $c.notifySecret.key }}{{ end }}
{{- if and (include "dokploy-gitops.notify.enabled" .) (include "dokploy-gitops.ntfyToken.enabled" .) }}{{ $_ := set $used "ntfyToken" $c.ntfyToken.key }}{{ end }}
{{- if and .Values.commitStatus.enabled (include "dokploy-gitops.commitStatusToken.enabled" .) }}{{ $_ := set $used "commitStatusToken" $c.commitStatusToken.key }}{{ end }}
{{- range $field, $key := $used }}
{{- if not (hasKey ($s.data | default dict) $key) }}
{{- fail (printf "credentials.existingSecret %s has no key %q (credentials.%s.key): add it to the Secret, or set credentials.%s.key to the key that holds it" $c.existingSecret $key $field $field) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- if and .Values.protectMetrics (not (include "dokploy-gitops.statusToken.enabled" .)) }}
{{- fail "protectMetrics needs the status token: leave credentials.statusToken.enabled on" }}
{{- end }}
{{- if and .Values.persistence.existingClaim (not .Values.persistence.enabled) }}
{{- fail "persistence.existingClaim is set but persistence.enabled is false: set persistence.enabled=true to use the claim" }}
{{- end }}
{{- end }}
