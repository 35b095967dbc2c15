"""The repair center "ซ่อมสร้าง": assistive devices, repair jobs, parts and loaners."""
