-- Value set `veiligheidsregio`: the VR codes.
SELECT vr_code FROM ref.veiligheidsregios
