# SPDX-License-Identifier: GPL-2.0
# bash completion for ptscope(8)

_ptscope_pids()
{
	local pids
	pids=$(cd /proc && echo [0-9]*)
	COMPREPLY+=($(compgen -W "$pids" -- "$1"))
}

_ptscope()
{
	local cur prev cmd
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	if [[ $COMP_CWORD -eq 1 ]]; then
		COMPREPLY=($(compgen -W "regions map translate kernel diff layout version help --help --version" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}
	if [[ $prev == --region ]]; then
		COMPREPLY=($(compgen -W "code data heap shlib mmap stack vdso" -- "$cur"))
		return
	fi
	[[ $prev == --range ]] && return
	if [[ $prev == --svg ]]; then
		COMPREPLY=($(compgen -f -- "$cur"))
		return
	fi
	if [[ $cur == -* ]]; then
		case $cmd in
		map) COMPREPLY=($(compgen -W "-j --json --help --region --range" -- "$cur")) ;;
		diff) COMPREPLY=($(compgen -W "-j --json --help --region --by-address" -- "$cur")) ;;
		layout) COMPREPLY=($(compgen -W "-j --json --help --svg" -- "$cur")) ;;
		regions | translate | kernel) COMPREPLY=($(compgen -W "-j --json --help" -- "$cur")) ;;
		esac
		return
	fi
	case $cmd in
	regions | map | kernel | diff | layout) _ptscope_pids "$cur" ;;
	translate)
		# PID, then ADDR
		local args=0 i
		for ((i = 2; i < COMP_CWORD; i++)); do
			[[ ${COMP_WORDS[i]} != -* ]] && ((args++))
		done
		[[ $args -eq 0 ]] && _ptscope_pids "$cur"
		;;
	esac
}

complete -F _ptscope ptscope
