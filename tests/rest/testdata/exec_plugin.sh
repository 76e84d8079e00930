#!/bin/sh
# A client-go exec credential plugin for kubeweb's tests. It prints an ExecCredential
# (client.authentication.k8s.io/v1) whose token is the value of KUBEWEB_EXEC_TOKEN.
#
# Optional variables:
#   KUBEWEB_EXEC_API_VERSION  apiVersion to answer with (default: client.authentication.k8s.io/v1)
#   KUBEWEB_EXEC_EXPIRES      RFC 3339 time put in status.expirationTimestamp
#   KUBEWEB_EXEC_COUNT_FILE   a file that gets one line appended per run (to count runs)
# The caller's KUBERNETES_EXEC_INFO must be set (client-go always sets it); without it, or without a
# token, the plugin fails with a message on stderr and exit code 1.
set -eu

if [ -z "${KUBERNETES_EXEC_INFO:-}" ]; then
  echo "exec_plugin.sh: KUBERNETES_EXEC_INFO is not set" >&2
  exit 1
fi
if [ -z "${KUBEWEB_EXEC_TOKEN:-}" ]; then
  echo "exec_plugin.sh: KUBEWEB_EXEC_TOKEN is not set" >&2
  exit 1
fi
if [ -n "${KUBEWEB_EXEC_COUNT_FILE:-}" ]; then
  echo run >> "$KUBEWEB_EXEC_COUNT_FILE"
fi

api_version="${KUBEWEB_EXEC_API_VERSION:-client.authentication.k8s.io/v1}"
# JSON-escape backslashes and double quotes.
token=$(printf '%s' "$KUBEWEB_EXEC_TOKEN" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
expires=""
if [ -n "${KUBEWEB_EXEC_EXPIRES:-}" ]; then
  expires=",\"expirationTimestamp\":\"${KUBEWEB_EXEC_EXPIRES}\""
fi
printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s"%s}}\n' "$api_version" "$token" "$expires"
