{{/* The prefix of every object's name: the release name, unless it already says peregrine. */}}
{{- define "peregrine.fullname" -}}
{{- if contains "peregrine" .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-peregrine" .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "peregrine.labels" -}}
app.kubernetes.io/name: peregrine
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of one component: include "peregrine.selector" (list . "controller") */}}
{{- define "peregrine.selector" -}}
app.kubernetes.io/name: peregrine
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "peregrine.componentLabels" -}}
{{ include "peregrine.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "peregrine.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* A sidecar image: include "peregrine.sidecarImage" (list . "provisioner") */}}
{{- define "peregrine.sidecarImage" -}}
{{- $v := (index . 0).Values.sidecars -}}
{{- $s := index $v (index . 1) -}}
{{- printf "%s/%s:%s" $v.registry $s.image $s.tag -}}
{{- end -}}

{{- define "peregrine.driverName" -}}csi.peregrine.io{{- end -}}

{{/* Secrets holding the mTLS material: the dataplanes' server certificate, the clients'. */}}
{{- define "peregrine.tlsServerSecret" -}}
{{- if eq .Values.tls.mode "existing" -}}
{{- required "tls.mode=existing needs tls.existing.serverSecret" .Values.tls.existing.serverSecret -}}
{{- else -}}
{{- printf "%s-dataplane-tls" (include "peregrine.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "peregrine.tlsClientSecret" -}}
{{- if eq .Values.tls.mode "existing" -}}
{{- required "tls.mode=existing needs tls.existing.clientSecret" .Values.tls.existing.clientSecret -}}
{{- else -}}
{{- printf "%s-client-tls" (include "peregrine.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* The security context of a container that needs nothing from the host. */}}
{{- define "peregrine.restrictedSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* JVM options of every Peregrine container: the flags the launcher passes, a heap that
     follows the memory limit, and the fail-fast behaviour a pod wants. */}}
{{- define "peregrine.javaOpts" -}}
--enable-native-access=ALL-UNNAMED -XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp
{{- end -}}

{{- define "peregrine.metricsAnnotations" -}}
{{- if .root.Values.metrics.annotations -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}

{{/* The dataplane's CPUs: the length of dataplane.coreList ("2-3,6" is 3) when set, else
     dataplane.cores. The container gets exactly these (Guaranteed QoS). */}}
{{- define "peregrine.dataplaneCpus" -}}
{{- $list := .Values.dataplane.coreList -}}
{{- if $list -}}
{{- $n := 0 -}}
{{- range $part := splitList "," $list -}}
{{- $ends := splitList "-" $part -}}
{{- if eq (len $ends) 2 -}}
{{- $lo := atoi (first $ends) -}}
{{- $hi := atoi (last $ends) -}}
{{- if lt $hi $lo -}}
{{- fail (printf "dataplane.coreList: range %s runs backwards" $part) -}}
{{- end -}}
{{- $n = add $n (add1 (sub $hi $lo)) -}}
{{- else -}}
{{- $n = add1 $n -}}
{{- end -}}
{{- end -}}
{{- $n -}}
{{- else -}}
{{- .Values.dataplane.cores -}}
{{- end -}}
{{- end -}}
