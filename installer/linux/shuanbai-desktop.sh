#!/bin/sh
# /usr/bin/shuanbai-desktop: starts 社工站工作平台, installed in /opt/shuanbai-desktop by the
# shuanbai-desktop package. Runs as the user; the data live in /var/lib/shuanbai-desktop (a station
# every account of the PC shares, group shuanbai) or in ~/.local/share/shuanbai-desktop.
#
# Chinese input: the bundled Qt has the ibus input-method plugin but no fcitx plugin (fcitx's Qt 6
# plugin must match the exact Qt build). fcitx5 also answers ibus clients, so when the desktop
# asks Qt for fcitx, let Qt try fcitx first and then ibus.
if [ -z "${QT_IM_MODULES:-}" ]; then
    case "${QT_IM_MODULE:-}" in
        fcitx*) QT_IM_MODULES="${QT_IM_MODULE};ibus"; export QT_IM_MODULES ;;
    esac
fi
exec /opt/shuanbai-desktop/shuanbai-desktop "$@"
