-- Glossary links. On the glossary page (chapters/a-glossary.qmd) every term gets an id,
-- "gls-" and the term in lower case with dashes ("Learning rate" -> gls-learning-rate), so that
-- a link can land on it. On the site, the first bold mention of a glossary term in every other
-- page ("A **tensor** is ...") links to its entry.
local GLOSSARY = "chapters/a-glossary.qmd"

local function slug(text)
  return "gls-" .. text:lower():gsub("[^%w]+", "-"):gsub("^-+", ""):gsub("-+$", "")
end

local function project_path(path)
  local root = quarto.project.directory
  if root and path:sub(1, #root + 1) == root .. "/" then
    return path:sub(#root + 2)
  end
  return path
end

local input = project_path(quarto.doc.input_file)

-- On the site each term becomes a small unnumbered heading, kept out of the table of contents,
-- followed by its definition: the site's search indexes every heading as a result of its own, so
-- a search for a term lands on its entry. In print the list stays a definition list.
if input == GLOSSARY then
  return {
    {
      DefinitionList = function(list)
        if quarto.doc.is_format("html") then
          local blocks = pandoc.List()
          for _, item in ipairs(list.content) do
            local id = slug(pandoc.utils.stringify(item[1]))
            local attr = pandoc.Attr(id, { "unnumbered", "unlisted", "glossary-entry" })
            blocks:insert(pandoc.Header(2, item[1], attr))
            for _, definition in ipairs(item[2]) do
              blocks:extend(definition)
            end
          end
          return blocks
        end
        for _, item in ipairs(list.content) do
          local term = item[1]
          item[1] = { pandoc.Span(term, { id = slug(pandoc.utils.stringify(term)) }) }
        end
        return list
      end,
    },
  }
end

if not quarto.doc.is_format("html") then
  return {}
end

-- The glossary's terms: each line that a definition (": ") follows. "Stochastic gradient descent
-- (SGD)" is found as written and without its parenthesis.
local terms = {}
local file = io.open(pandoc.path.join({ quarto.project.directory, GLOSSARY }), "r")
if file then
  local previous = nil
  for line in file:lines() do
    if previous and line:match("^: ") and previous:match("^%S") then
      local id = slug(previous)
      terms[previous:lower()] = id
      local short = previous:match("^(.-) %(")
      if short then
        terms[short:lower()] = id
      end
    end
    previous = line
  end
  file:close()
end

local depth = select(2, input:gsub("/", ""))
local target = ("../"):rep(depth) .. GLOSSARY
local linked = {}

local function entry_of(text)
  text = text:lower()
  return terms[text] or terms[text:gsub("e?s$", "")] or terms[text:gsub("s$", "")]
end

return {
  {
    traverse = "topdown",
    Link = function(link)
      return link, false -- no links inside links
    end,
    Strong = function(strong)
      local id = entry_of(pandoc.utils.stringify(strong))
      if id and not linked[id] then
        linked[id] = true
        return pandoc.Link(strong, target .. "#" .. id, "", { class = "glossary-term" }), false
      end
    end,
  },
}
