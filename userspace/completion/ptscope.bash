# SPDX-License-Identifier: GPL-2.0
# bash completion for ptscope(8)

# PROC: a process name (as in /proc/PID/comm) or "self" for a word that
# does not start with a digit, else a pid.  Only processes with an address
# space: kernel threads and zombies have none.  /proc can be another
# directory (_ptscope_proc) for tests.
_ptscope_procs()
{
	local cur=$1 stat line comm name pid width i
	local -a fields comms
	local -A names

	for stat in "${_ptscope_proc:-/proc}"/[0-9]*/stat; do
		read -r line 2>/dev/null <"$stat" || continue
		# "PID (COMM) STATE PPID PGRP SESSION TTY TPGID FLAGS ...": COMM
		# may hold spaces and parentheses, the last ") " ends it.
		fields=(${line##*) })
		if [[ ${fields[0]} == [ZX] ]] || ((fields[6] & 0x200000)); then
			continue	# a zombie, or PF_KTHREAD
		fi
		comm=${line#*(}
		comms[${line%% *}]=${comm%) *}
	done

	if [[ $cur != [0-9]* ]]; then
		for comm in self "${comms[@]}"; do
			printf -v name %q "$comm"
			[[ $name == "$cur"* ]] && names[$name]=1
		done
		COMPREPLY=("${!names[@]}")
		return
	fi
	# Indices of an indexed array come in numeric order.
	for pid in "${!comms[@]}"; do
		[[ $pid == "$cur"* ]] && COMPREPLY+=("$pid")
	done
	compopt -o nosort
	# Several pids: bash lists the candidates and inserts only their
	# common prefix, which never reaches past the digits (no pid is
	# another's prefix followed by a digit and a space), so each may
	# show its command name.  Menu completion and insert-completions
	# insert candidates whole: those get bare pids, as does a single one.
	case $COMP_TYPE in
	9 | 33 | 63 | 64) ;;	# TAB, and the listing kinds: '!' '?' '@'
	*) return ;;
	esac
	((${#COMPREPLY[@]} > 1)) || return
	width=0
	for pid in "${COMPREPLY[@]}"; do
		((${#pid} > width)) && width=${#pid}
	done
	for i in "${!COMPREPLY[@]}"; do
		pid=${COMPREPLY[i]}
		printf -v "COMPREPLY[i]" '%-*s  (%s)' "$width" "$pid" \
			"${comms[pid]//[^[:print:]]/?}"
	done
}

_ptscope()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	local commands="regions map translate kernel diff layout stat share who watch version help"
	local i=1 j word cmd opts='' argopts='' max='' nargs=0 dashdash='' pending=''

	COMPREPLY=()
	# Global options, then the command.
	while ((i < COMP_CWORD)) && [[ ${COMP_WORDS[i]} == -* ]]; do
		case ${COMP_WORDS[i]} in
		-h | --help | -V | --version) return ;;
		esac
		i=$((i + 1))
	done
	if ((i == COMP_CWORD)); then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-j --json -p --pretty -h --help -V --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi
	cmd=${COMP_WORDS[i]}
	# The command's own options, those of them taking an argument, and
	# how many arguments it takes (none said: any number).  These, the
	# commands and the global options are the client's help's:
	# scripts/completion-test (make check) takes what it expects from
	# `ptscope help` and `ptscope help CMD`, and fails where they differ.
	case $cmd in
	regions) ;;
	map) opts="-x --extended --region --range" argopts=" --region --range " ;;
	translate) max=2 ;;	# PROC ADDR
	kernel) max=1 ;;
	diff) opts="--region --by-address" argopts=" --region " max=2 ;;
	layout) opts="--svg" argopts=" --svg " max=1 ;;
	stat) opts="--region --format" argopts=" --region --format " ;;
	share) opts="--all --region --format" argopts=" --region --format " ;;
	who) max=1 ;;		# PA[-END]
	watch) opts="--region --range --interval" argopts=" --region --range --interval " max=1 ;;
	version) max=0 ;;
	help) max=1 ;;		# COMMAND
	*) return ;;
	esac

	# Options go anywhere after the command, up to "--".  bash splits
	# "--region=code" into "--region" "=" "code".
	for ((j = i + 1; j < COMP_CWORD; j++)); do
		word=${COMP_WORDS[j]}
		if [[ $pending ]]; then
			[[ $word == = ]] || pending=
		elif [[ ! $dashdash && $word == -- ]]; then
			dashdash=1
		elif [[ ! $dashdash && $word == -?* ]]; then
			[[ $argopts == *" $word "* ]] && pending=$word
		else
			nargs=$((nargs + 1))
		fi
	done

	if [[ $pending ]]; then
		# Readline completes what follows "--region=", not the "=".
		[[ $cur == = ]] && cur=
		case $pending in
		--region)
			word="code data heap shlib mmap stack vdso"
			[[ $cmd == diff ]] && word+=" kernel"
			COMPREPLY=($(compgen -W "$word" -- "$cur"))
			;;
		--format)
			COMPREPLY=($(compgen -W "prometheus" -- "$cur"))
			;;
		--svg)
			compopt -o filenames
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			;;
		esac
		return
	fi
	if [[ ! $dashdash && $cur == -* ]]; then
		COMPREPLY=($(compgen -W "-j --json -p --pretty -h --help $opts" -- "$cur"))
		return
	fi
	[[ $max ]] && ((nargs >= max)) && return
	case $cmd in
	help) COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
	translate) ((nargs == 1)) || _ptscope_procs "$cur" ;;	# ADDR: no offer
	who) ;;			# PA: no offer
	*) _ptscope_procs "$cur" ;;
	esac
}

complete -F _ptscope ptscope
