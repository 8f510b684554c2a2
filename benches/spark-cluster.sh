#!/usr/bin/env bash
# A local Spark cluster for `ckm --engine spark`: a standalone master, one worker (2 cores,
# 2 GiB; executors are separate processes, so shuffles cross process boundaries as on a real
# cluster) and the Spark Connect server, all on 127.0.0.1. Spark comes from PyPI's pyspark 4.x
# (it ships the jars, the Connect server among them) in a virtual environment outside the
# checkout; Java 17 from Debian's openjdk-17-jre-headless. The Connect server asks for a
# token (Spark's spark.connect.authenticate.token), new at each start and kept in
# $CKM_SPARK_HOME/run/token: other users of the machine cannot use the cluster, and clients
# are tested with authentication on.
#
#   benches/spark-cluster.sh start   # prints the address: sc://127.0.0.1:15002/;token=...
#   benches/spark-cluster.sh stop    # stops each process it started, by its id
#   benches/spark-cluster.sh status
#
# Settings: CKM_SPARK_HOME (default ~/.cache/ckm-spark: the venv, logs and process ids) and
# CKM_SPARK_PORT (default 15002, the Connect server's port).
set -euo pipefail
home=${CKM_SPARK_HOME:-$HOME/.cache/ckm-spark}
port=${CKM_SPARK_PORT:-15002}
master_port=$((port + 5075))   # 20077 by default, out of Spark's usual 7077 in case one runs
run="$home/run"
mkdir -p "$run"

need_java() {
  if command -v java >/dev/null 2>&1; then return; fi
  echo "== installing Java 17 (openjdk-17-jre-headless)" >&2
  local sudo=; [[ $(id -u) -eq 0 ]] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless >/dev/null \
    || { $sudo apt-get update -q >/dev/null && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless >/dev/null; }
}

need_spark() {
  if [[ ! -x "$home/venv/bin/python" ]] || ! "$home/venv/bin/python" -c 'import pyspark' 2>/dev/null; then
    echo "== installing pyspark 4.x into $home/venv" >&2
    python3 -m venv "$home/venv"
    "$home/venv/bin/pip" install -q "pyspark>=4.0,<5" >&2
  fi
  SPARK_HOME=$("$home/venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
  export SPARK_HOME
}

alive() { [[ -f "$run/$1.pid" ]] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

wait_port() {
  local p=$1 what=$2 seconds=${3:-120}
  for _ in $(seq "$seconds"); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then return 0; fi
    sleep 1
  done
  echo "spark-cluster: the $what did not open 127.0.0.1:$p within $seconds s; see $run/$what.log" >&2
  return 1
}

address() { echo "sc://127.0.0.1:$port/;token=$(cat "$run/token")"; }

start() {
  if alive connect && [[ -f "$run/token" ]]; then address; return; fi
  need_java
  need_spark
  export SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$run" SPARK_WORKER_DIR="$run/work"
  local class="$SPARK_HOME/bin/spark-class"
  nohup "$class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$master_port" \
    --webui-port $((port + 6078)) >"$run/master.log" 2>&1 &
  echo $! >"$run/master.pid"
  wait_port "$master_port" master
  nohup "$class" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 2 --memory 2g \
    --webui-port $((port + 6079)) "spark://127.0.0.1:$master_port" >"$run/worker.log" 2>&1 &
  echo $! >"$run/worker.pid"
  (umask 077; od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$run/token")
  # The token through the environment, so no process list shows it.
  SPARK_CONNECT_AUTHENTICATE_TOKEN=$(cat "$run/token") \
  nohup "$SPARK_HOME/bin/spark-submit" --class org.apache.spark.sql.connect.service.SparkConnectServer \
    --name ckm-connect --master "spark://127.0.0.1:$master_port" \
    --conf spark.connect.grpc.binding.address=127.0.0.1 --conf spark.connect.grpc.binding.port="$port" \
    --conf spark.sql.session.timeZone=UTC --conf spark.driver.host=127.0.0.1 \
    --conf spark.driver.memory=1g --conf spark.executor.memory=1500m --conf spark.ui.enabled=false \
    "$(ls "$SPARK_HOME"/jars/spark-connect_*.jar | head -1)" >"$run/connect.log" 2>&1 &
  echo $! >"$run/connect.pid"
  wait_port "$port" connect 180
  address
}

stop() {
  # The Connect server first (it holds the application), then the worker and the master.
  for what in connect worker master; do
    if alive "$what"; then
      local pid; pid=$(cat "$run/$what.pid")
      # spark-class execs java, so the id is the JVM's own; its children (executors) follow.
      pkill -TERM -P "$pid" 2>/dev/null || true
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$run/$what.pid"
  done
  rm -f "$run/token"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) for w in master worker connect; do alive "$w" && echo "$w: running (pid $(cat "$run/$w.pid"))" || echo "$w: stopped"; done ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
