# Sourced by the benchmark scripts (which define `log`): GNU time measures the peak RSS, so install it when it is
# missing; without it the scripts print no RSS column.
if [ ! -x /usr/bin/time ]; then
  log "installing GNU time (apt-get install -y time) for peak-RSS measurements"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq time; } >/dev/null 2>&1 ||
    log "warning: could not install GNU time; peak RSS will not be reported"
fi
