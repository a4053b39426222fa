#!/usr/bin/env bash
# Build-time generator of the man pages and the bash completion, from the programs' own --help, so neither can
# drift from the options the binaries really take.
# usage: gen-help-files.sh CLI STUDIO VERSION DATE OUTDIR
set -euo pipefail
cli="$1" studio="$2" version="$3" date="$4" out="$5"
mkdir -p "$out"
# Help texts name defaults under $HOME; pages show them as ~.
fakehome="/nonexistent-aestudio-home"
# A program that fails here fails the build with its own message.
run() {
  local err out
  err="$(mktemp)"
  if ! out="$(env -u AESTUDIO_RUNS_DIR -u AESTUDIO_DATA_DIR -u XDG_DATA_HOME HOME="$fakehome" QT_QPA_PLATFORM=offscreen \
              XDG_RUNTIME_DIR="${TMPDIR:-/tmp}" "$@" 2>"$err")"; then
    echo "gen-help-files: '$*' failed:" >&2; cat "$err" >&2; rm -f "$err"; exit 1
  fi
  rm -f "$err"
  printf '%s\n' "$out" | sed "s|$fakehome|~|g"
}

# roff: escape backslashes, protect lines starting with . or ', make hyphens minus signs.
roff() { sed -e 's/\\/\\e/g' -e 's/^\([.'"'"']\)/\\\&\1/' -e 's/-/\\-/g'; }

commands=$(run "$cli" --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p')
[ -n "$commands" ] || { echo "gen-help-files: no commands in '$cli --help'" >&2; exit 1; }

# Each command's help, asked once: the man page and the completion both read it.
helps="$(mktemp -d)"
trap 'rm -rf "$helps"' EXIT
for c in $commands; do
  run "$cli" "$c" --help | sed "1s|^Usage: .*\[options\]|Usage: aestudio-cli $c [options]|" > "$helps/$c"
done
subhelp() { cat "$helps/$1"; }

{
  echo ".TH AESTUDIO-CLI 1 \"$date\" \"aestudio $version\" \"User Commands\""
  echo ".SH NAME"
  echo "aestudio-cli \\- train, evaluate and sweep denoising autoencoders from the command line"
  echo ".SH SYNOPSIS"
  echo ".B aestudio-cli"
  echo ".I command"
  echo "[\\fIoptions\\fR]"
  echo ".SH DESCRIPTION"
  echo "The headless half of Autoencoder Studio: it trains dense and denoising autoencoders on MNIST,"
  echo "Fashion\\-MNIST or a folder of your own images with LibTorch, and writes each run into a run folder"
  echo "(config.json, metrics.csv, checkpoint.aes, best.aes, grid.png) that the studio lists and opens."
  echo "Errors are one line on standard error; configuration errors exit with 2, other failures with 1."
  echo ".SH COMMANDS"
  echo ".nf"
  run "$cli" --help | sed -n '/^commands:/,/^Run /p' | sed '1d;$d' | roff
  echo ".fi"
  for c in $commands; do
    echo ".SS $c"
    echo ".nf"
    subhelp "$c" | roff
    echo ".fi"
  done
  echo ".SH FILES"
  echo ".TP"
  echo ".I ~/.local/share/aestudio/runs/"
  echo "Run folders (\\fBAESTUDIO_RUNS_DIR\\fR overrides)."
  echo ".TP"
  echo ".I ~/.local/share/aestudio/datasets/"
  echo "Downloaded and imported datasets (\\fBAESTUDIO_DATA_DIR\\fR overrides)."
  echo ".TP"
  echo ".I /usr/share/aestudio/recipes/"
  echo "The seed study's recipes, for \\fBtrain \\-\\-recipe\\fR; your own go in ~/.local/share/aestudio/recipes/."
  echo ".SH EXAMPLES"
  echo ".nf"
  echo "aestudio\\-cli train \\-\\-recipe /usr/share/aestudio/recipes/seed\\-denoising\\-fashion.json"
  echo "aestudio\\-cli eval \\-\\-checkpoint RUN/best.aes \\-\\-noise 0.2 \\-\\-grid grid.png"
  echo "aestudio\\-cli download mnist"
  echo ".fi"
  echo ".SH SEE ALSO"
  echo ".BR aestudio (1)"
} > "$out/aestudio-cli.1"

{
  echo ".TH AESTUDIO 1 \"$date\" \"aestudio $version\" \"User Commands\""
  echo ".SH NAME"
  echo "aestudio \\- Autoencoder Studio, a desktop studio for training and exploring autoencoders"
  echo ".SH SYNOPSIS"
  echo ".B aestudio"
  echo "[\\fIoptions\\fR]"
  echo ".SH DESCRIPTION"
  echo "Pick a dataset, a depth, a latent size, dropout, weight decay and training noise, press Start and watch the"
  echo "loss and PSNR charts and the reconstruction grids move. Drag the noise slider to see how the model copes"
  echo "with other noise; scrub back through the epochs; explore the latent space; draw a digit and watch it"
  echo "denoised. Every run is kept in a run folder. \\fBaestudio\\-cli\\fR(1) runs the same jobs headless."
  echo ".SH OPTIONS"
  echo ".nf"
  run "$studio" --help | sed '1,/^Options:/d' | roff
  echo ".fi"
  echo ".SH SEE ALSO"
  echo ".BR aestudio\\-cli (1)"
} > "$out/aestudio.1"

# Bash completion: the commands, each command's options, files or folders after options that take them.
{
  echo "# bash completion for aestudio-cli, generated from its --help (aestudio $version)"
  echo "_aestudio_cli() {"
  echo "  local cur prev words cword"
  echo "  _init_completion || return"
  echo "  if [ \"\$cword\" -eq 1 ]; then"
  echo "    COMPREPLY=(\$(compgen -W \"$(echo $commands) --help --version\" -- \"\$cur\")); return"
  echo "  fi"
  echo "  case \"\$prev\" in"
  echo "    --dataset) COMPREPLY=(\$(compgen -W \"fashion-mnist mnist kmnist\" -- \"\$cur\")); _filedir -d; return ;;"
  echo "    --checkpoint|--resume|--recipe|--checksums|--grid) _filedir; return ;;"
  echo "    --out|--data-dir|--images) _filedir -d; return ;;"
  echo "    --noise-type) COMPREPLY=(\$(compgen -W \"gaussian salt-pepper masking\" -- \"\$cur\")); return ;;"
  echo "    --device) COMPREPLY=(\$(compgen -W \"auto cpu cuda\" -- \"\$cur\")); return ;;"
  echo "  esac"
  echo "  local opts"
  echo "  case \"\${words[1]}\" in"
  for c in $commands; do
    opts=$(subhelp "$c" | sed -n 's/^  \(-[a-zA-Z], \)\{0,1\}\(--[a-z0-9-]*\).*/\2/p' | grep -v '^--help-all$' | tr '\n' ' ')
    echo "    $c) opts=\"$opts\" ;;"
  done
  echo "    *) return ;;"
  echo "  esac"
  echo "  if [[ \"\$cur\" == -* ]]; then COMPREPLY=(\$(compgen -W \"\$opts\" -- \"\$cur\")); return; fi"
  echo "  case \"\${words[1]}\" in download) COMPREPLY=(\$(compgen -W \"fashion-mnist mnist kmnist\" -- \"\$cur\")) ;; esac"
  echo "}"
  echo "complete -F _aestudio_cli aestudio-cli"
} > "$out/aestudio-cli.bash"

gzip -9n -c "$out/aestudio-cli.1" > "$out/aestudio-cli.1.gz"
gzip -9n -c "$out/aestudio.1" > "$out/aestudio.1.gz"
