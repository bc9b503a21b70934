-- Fills a migrated, empty Siberius database with a catalogue for
-- bench/pdf_search.sh: :rows PDFs (psql -v rows=1000000) over seven years,
-- 2% undated, 20 office daemons, customer names of two words out of 200 (one
-- of them "Aurora", so cliente=aurora matches about 1%), each numero on four
-- rows, and an atendimento for about every 30 PDFs with one or two of 30
-- technicians. Deterministic: the same rows every run.
\set ON_ERROR_STOP on
SET client_min_messages = warning;

CREATE TEMP TABLE words (n int PRIMARY KEY, w text NOT NULL);
INSERT INTO words
SELECT n - 1, w FROM unnest(string_to_array(
  'Aurora Buffet Festas Eventos Ana Bruno Carla Diego Elisa Fabio Gabriela Hugo Irene Joao Karina '
  'Lucas Marina Nuno Olivia Paulo Quiteria Rafael Sofia Tiago Ursula Vitor Wanda Xavier Yara Zeca '
  'Almeida Barbosa Cardoso Duarte Esteves Ferreira Gomes Henriques Ivo Jardim Lima Moreira Nogueira '
  'Oliveira Pereira Queiroz Ribeiro Santos Teixeira Uchoa Vasconcelos Xisto Zanetti Estrela Sol Lua '
  'Mar Serra Vale Rio Campo Jardins Palace Plaza Center Hotel Clube Salao Espaco Casa Sitio Fazenda '
  'Recanto Chacara Villa Mansao Castelo Solar Quinta Terraco Mirante Pavilhao Galpao Arena Teatro '
  'Cinema Escola Colegio Igreja Capela Paroquia Catedral Templo Hospital Clinica Banco Loja Mercado '
  'Padaria Restaurante Bar Cafe Bistro Cantina Churrascaria Pizzaria Confeitaria Doceria Adega '
  'Vinicola Cervejaria Alpha Beta Gama Delta Omega Sigma Prime Gold Silver Premium Royal Imperial '
  'Real Nobre Elite Classic Moderna Nova Velha Grande Pequena Alta Baixa Norte Sul Leste Oeste Central '
  'Paulista Carioca Mineira Gaucha Baiana Nordeste Litoral Montanha Floresta Pantanal Cerrado Caatinga '
  'Amazonia Atlantica Tropical Brasil Americas Mundo Global Nacional Regional Local Urbana Rural '
  'Industrial Comercial Social Cultural Esportiva Musical Artistica Criativa Digital Tech Solucoes '
  'Servicos Producoes Promocoes Comunicacao Marketing Publicidade Turismo Viagens Cerimonial Noivas '
  'Formaturas Aniversarios Corporativo Congressos Feiras Shows Som Luz Palco Tendas Mesas Cadeiras '
  'Toalhas Flores Bandas Praia', ' '))
  WITH ORDINALITY AS t(w, n);
DO $$ BEGIN
  IF (SELECT count(DISTINCT w) FROM words) <> 200 THEN RAISE 'expected 200 distinct words'; END IF;
END $$;

INSERT INTO daemon_clients (client_id, client_name)
SELECT 'office-' || lpad(d::text, 2, '0'), 'Office ' || d FROM generate_series(1, 20) d;

INSERT INTO usuarios (login, nome, role)
SELECT 'tec' || t, 'Tecnico ' || t, 'tecnico' FROM generate_series(1, 30) t;

-- i * a large odd constant, modulo a prime: a fixed shuffle of the row number.
INSERT INTO pdf_cache (file_hash, filename, file_size, local_path, client_id, tipo, numero, cliente,
                       data_evento, valor_total, metadata, status, expires_at, indexed_at, created_at)
SELECT lpad(to_hex(i), 64, '0'),
       tipo || '_' || numero || '.pdf',
       40000 + h % 900000,
       '/srv/pdfs/' || tipo || '_' || numero || '.pdf',
       'office-' || lpad((1 + h % 20)::text, 2, '0'),
       tipo, numero, cliente, data_evento,
       (h % 5000000) / 100.0,
       jsonb_build_object('tipo', tipo, 'numero', numero, 'cliente', cliente,
                          'dataEvento', data_evento, 'pages', 1 + h % 9, 'producer', 'bench'),
       CASE WHEN s < 900 THEN 'available_local' WHEN s < 950 THEN 'cached'
            WHEN s < 980 THEN 'expired' WHEN s < 995 THEN 'missing' ELSE 'uploading' END,
       data_evento + 15,
       now() - make_interval(secs => i),
       now() - make_interval(secs => i)
FROM (
  SELECT i, h,
         CASE WHEN h % 100 < 50 THEN 'orcamento' WHEN h % 100 < 80 THEN 'os'
              WHEN h % 100 < 98 THEN 'montagem' ELSE 'desconhecido' END AS tipo,
         ((i::bigint * 7919) % 250000)::text AS numero,
         (SELECT w FROM words WHERE n = h % 200) || ' ' || (SELECT w FROM words WHERE n = (h / 200) % 200) AS cliente,
         CASE WHEN h % 50 = 7 THEN NULL ELSE date '2021-01-01' + ((h / 7) % 2556)::int END AS data_evento,
         (h / 13) % 1000 AS s
  FROM (SELECT i, (i::bigint * 2654435761) % 4294967291 AS h FROM generate_series(1, :rows) i) g
) r;

-- An atendimento for about every 30 PDFs, on the day of its first PDF.
INSERT INTO atendimentos (titulo, cliente, data_inicio, local)
SELECT 'Evento ' || a, 'Cliente ' || a, timestamptz '2021-01-01 08:00Z' + make_interval(days => (a * 37) % 2556),
       'Local ' || a % 100
FROM generate_series(1, :rows / 30) a;
UPDATE pdf_cache p SET atendimento_id = a.id
FROM atendimentos a
WHERE p.id % 30 = 0 AND a.id = p.id / 30;
INSERT INTO atendimento_tecnicos (atendimento_id, usuario_id)
SELECT a.id, u.id FROM atendimentos a JOIN usuarios u ON u.login = 'tec' || (1 + a.id % 30)
UNION
SELECT a.id, u.id FROM atendimentos a JOIN usuarios u ON u.login = 'tec' || (1 + (a.id * 7) % 30)
WHERE a.id % 3 = 0;

VACUUM (ANALYZE) pdf_cache;
VACUUM (ANALYZE) atendimentos;
VACUUM (ANALYZE) atendimento_tecnicos;
VACUUM (ANALYZE) pdf_clientes; -- the customers' names, filled by pdf_cache's trigger (schema/006)
