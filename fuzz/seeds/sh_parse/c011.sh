cat <<EOF
value: $USER
EOF